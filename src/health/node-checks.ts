// From one node's probe output to its checks. Each check says what was expected and what was found, so a
// failed one reads as a sentence in the PROBLEMS column.
import type { Inventory } from '../inventory/types.js';
import type { Check, FelixState } from './health-types.js';
import { felixCheck, type HttpProbe } from './felix-report.js';
import type { ProbeOutput } from './probe-output.js';
import { NODE_PREP_FILES } from './probe-script.js';

const SUPPORTED_ARCHES = ['aarch64', 'arm64', 'x86_64', 'amd64'];
const MIN_KERNEL: [number, number] = [5, 10];

export interface NodeFacts {
  arch: string | null;
  kernel: string | null;
  hostname: string | null;
  readiness: HttpProbe | undefined;
  liveness: HttpProbe | undefined;
  /** Interface name → its flags, from `ip -o link show`; undefined when ip failed. */
  links: Map<string, string[]> | undefined;
  bgp: { code: number; text: string } | undefined;
  /** `calicoctl version` (stdout and stderr); undefined when calicoctl is not on the board. */
  calicoctl: { code: number; text: string } | undefined;
  files: { path: string; present: boolean }[];
  /** The script ran to its last line (a cut-off run is itself a failure). */
  complete: boolean;
}

/** `5: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 ...`; `tunl0@NONE:` names carry a peer. */
export function parseIpLinks(text: string): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@[^:\s]+)?:\s+<([^>]*)>/.exec(line);
    if (m?.[1]) links.set(m[1], (m[2] ?? '').split(',').filter(Boolean));
  }
  return links;
}

function httpProbe(out: ProbeOutput, kind: string): HttpProbe | undefined {
  const tool = out.values.get(`http.${kind}.tool`);
  if (tool === undefined) return undefined;
  const status = Number(out.values.get(`http.${kind}.status`) ?? '0');
  return {
    tool,
    status: Number.isFinite(status) ? status : 0,
    body: out.sections.get(`http.${kind}.body`)?.body ?? '',
  };
}

export function nodeFacts(out: ProbeOutput): NodeFacts {
  const links = out.sections.get('links');
  const bgp = out.sections.get('bgp');
  const bgpErr = out.sections.get('bgp.stderr')?.body ?? '';
  const ctl = out.sections.get('calicoctl');
  const ctlErr = out.sections.get('calicoctl.stderr')?.body ?? '';
  return {
    arch: out.values.get('arch') || null,
    kernel: out.values.get('kernel') || null,
    hostname: out.values.get('hostname') || null,
    readiness: httpProbe(out, 'readiness'),
    liveness: httpProbe(out, 'liveness'),
    links: links && links.code === 0 ? parseIpLinks(links.body) : undefined,
    bgp: bgp ? { code: bgp.code, text: `${bgp.body}\n${bgpErr}`.trim() } : undefined,
    calicoctl: ctl ? { code: ctl.code, text: `${ctl.body}\n${ctlErr}`.trim() } : undefined,
    files: NODE_PREP_FILES.map((path) => ({ path, present: out.values.get(`file:${path}`) === '1' })),
    complete: out.values.get('done') === '1',
  };
}

export function tunnelLinkFor(encapsulation: string): string | undefined {
  if (encapsulation.startsWith('VXLAN')) return 'vxlan.calico';
  if (encapsulation.startsWith('IPIP')) return 'tunl0';
  return undefined;
}

export function kernelAtLeast(release: string, min: [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

export interface BgpPeer {
  address: string;
  state: string;
  info: string;
}

/** The IPv4/IPv6 peer tables of `calicoctl node status`: | PEER ADDRESS | PEER TYPE | STATE | SINCE | INFO |. */
export function parseBgpPeers(text: string): BgpPeer[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.includes('PEER ADDRESS'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .filter((c) => c.length >= 5)
    .map((c) => ({ address: c[0] ?? '', state: c[2] ?? '', info: c[4] ?? '' }));
}

export function bgpCheck(bgp: NodeFacts['bgp'], clusterSize: number): Check {
  const name = 'bgp-peers';
  if (!bgp) return { name, ok: false, detail: 'calicoctl node status did not run' };
  if (bgp.code !== 0) {
    const first = bgp.text.split('\n').find((l) => l.trim()) ?? `exit code ${bgp.code}`;
    const hint = bgp.code === 127 ? ' (calicoctl not installed?)' : '';
    return { name, ok: false, detail: `calicoctl node status failed${hint}: ${first.trim()}` };
  }
  if (!/Calico process is running/.test(bgp.text)) {
    return { name, ok: false, detail: 'calicoctl node status: Calico process is not running' };
  }
  const peers = parseBgpPeers(bgp.text);
  const down = peers.filter((p) => p.info !== 'Established');
  if (down.length > 0) {
    return {
      name,
      ok: false,
      detail: `${peers.length - down.length}/${peers.length} BGP peers Established; not: ${down.map((p) => `${p.address} (${p.info || p.state})`).join(', ')}`,
    };
  }
  if (peers.length === 0 && clusterSize > 1) return { name, ok: false, detail: 'no BGP peers' };
  return { name, ok: true, detail: `${peers.length} BGP peers Established` };
}

export interface NodeCheckOptions {
  felixPort: number;
  /** The calicoctl version boards should have ("v3.32.1"); null = not checked. */
  calicoctlVersion: string | null;
}

export function nodeChecks(facts: NodeFacts, inv: Inventory, opts: NodeCheckOptions): Check[] {
  const checks: Check[] = [];
  if (!facts.complete) {
    checks.push({
      name: 'probe',
      ok: false,
      detail: 'the health script stopped before its end (see the other checks)',
    });
  }
  const arch = facts.arch ?? '';
  checks.push(
    SUPPORTED_ARCHES.includes(arch)
      ? { name: 'arch', ok: true, detail: arch }
      : {
          name: 'arch',
          ok: false,
          detail: arch
            ? `${arch}: Calico has no images for it (32-bit ARM needs a 64-bit OS)`
            : 'uname -m reported nothing',
        },
  );
  const kernel = facts.kernel ?? '';
  checks.push({
    name: 'kernel',
    ok: kernelAtLeast(kernel, MIN_KERNEL),
    detail: kernelAtLeast(kernel, MIN_KERNEL) ? kernel : `${kernel || 'unknown'}: Calico needs kernel ≥ 5.10`,
  });
  checks.push(felixCheck('readiness', facts.readiness, opts.felixPort));
  checks.push(felixCheck('liveness', facts.liveness, opts.felixPort));
  const link = tunnelLinkFor(inv.cluster.encapsulation);
  if (link) {
    const flags = facts.links?.get(link);
    checks.push(
      !facts.links
        ? { name: 'encapsulation-link', ok: false, detail: `cannot list links (ip -o link show failed)` }
        : !flags
          ? {
              name: 'encapsulation-link',
              ok: false,
              detail: `${link} missing (${inv.cluster.encapsulation})`,
            }
          : flags.includes('UP')
            ? { name: 'encapsulation-link', ok: true, detail: `${link} up` }
            : { name: 'encapsulation-link', ok: false, detail: `${link} present but down` },
    );
  }
  if (inv.cluster.bgp) checks.push(bgpCheck(facts.bgp, inv.hosts.length));
  if (facts.calicoctl && opts.calicoctlVersion) {
    checks.push(calicoctlCheck(facts.calicoctl, opts.calicoctlVersion));
  }
  const missing = facts.files.filter((f) => !f.present).map((f) => f.path);
  checks.push(
    missing.length === 0
      ? { name: 'node-prep', ok: true, detail: `${facts.files.length} files in place` }
      : { name: 'node-prep', ok: false, detail: `missing ${missing.join(', ')}` },
  );
  return checks;
}

/**
 * calicoctl refuses to work against a cluster of another version (unless --allow-version-mismatch), so a
 * board left with the old one after an upgrade is a problem worth naming. No calicoctl → no check: it is
 * optional (see the bgp-peers check for clusters that need it).
 */
export function calicoctlCheck(ctl: { code: number; text: string }, expectedVersion: string): Check {
  const name = 'calicoctl';
  // The client's version is printed before calicoctl reaches the datastore: read it whatever the exit code.
  const version = /Client Version:\s*(\S+)/.exec(ctl.text)?.[1];
  if (!version) {
    const first = ctl.text.split('\n').find((l) => l.trim()) ?? `exit code ${ctl.code}`;
    return { name, ok: false, detail: `calicoctl version failed: ${first.trim()}` };
  }
  if (version !== expectedVersion)
    return {
      name,
      ok: false,
      detail: `calicoctl ${version}, cluster ${expectedVersion} (calicoctl refuses mismatched versions): reprovision the board`,
    };
  // "Unable to retrieve Cluster Version or Type: ..." (exit 1): a datastore is configured but unusable.
  const unreachable = /Unable to retrieve Cluster Version or Type:?\s*(.*)/.exec(ctl.text);
  if (ctl.code !== 0 || unreachable)
    return {
      name,
      ok: false,
      detail: `calicoctl ${version} cannot reach its datastore (${(unreachable?.[1] ?? `exit code ${ctl.code}`).trim()}): check /etc/calico/calicoctl.cfg (datastoreType: kubernetes, kubeconfig: a readable kubeconfig)`,
    };
  return { name, ok: true, detail: version };
}

export function felixState(facts: NodeFacts | undefined): FelixState {
  if (!facts?.liveness || !facts.readiness) return 'unknown';
  const ok = (s: number) => s === 200 || s === 204;
  if (facts.liveness.status === 0 && facts.readiness.status === 0) return 'no-answer';
  if (!ok(facts.liveness.status)) return 'not-live';
  return ok(facts.readiness.status) ? 'ready' : 'not-ready';
}
