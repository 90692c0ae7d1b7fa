// `picocal verify`'s work: per node one SSH connection and one probe-script run, and on the control plane
// (over its same connection) one kubectl call for the cluster side (cluster-list.ts); then every answer
// becomes checks.
// A node that cannot be reached is a result, not an exception: the run always ends within the timeout.
import { PicocalError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { NewHostKey } from '../ssh/host-verifier.js';
import { SshPool } from '../ssh/ssh-pool.js';
import { sshTargetFor, type SshTarget } from '../ssh/ssh-target.js';
import {
  installationCheck,
  installationVersion,
  parsePods,
  podChecks,
  podFor,
  tigeraStatusCheck,
  type CalicoPod,
} from './cluster-checks.js';
import type { Check, ClusterSide, HealthReport, NodeHealth } from './health-types.js';
import { felixState, nodeChecks, nodeFacts, type NodeCheckOptions, type NodeFacts } from './node-checks.js';
import { podAddressCheck } from './pod-address-check.js';
import { CLUSTER_SECTIONS, splitClusterList } from './cluster-list.js';
import { newMarker, parseProbeOutput, type ProbeOutput, type ProbeSection } from './probe-output.js';
import { CLUSTER_PROBE_SCRIPT, clusterProbeArgv, NODE_PROBE_SCRIPT, nodeProbeArgv } from './probe-script.js';

export const DEFAULT_FELIX_HEALTH_PORT = 9099;

export interface VerifyOptions {
  /** Inventory names to verify; all hosts when absent. */
  nodes?: readonly string[];
  /** Per node: login and probe together finish within this. */
  timeoutMs: number;
  acceptNewHostKeys: boolean;
  concurrency?: number;
  /**
   * The calicoctl version boards should have; defaults to the expected Calico version. null skips the check
   * (the upgrade gate: boards get the new calicoctl once calico-node is healthy everywhere).
   */
  calicoctlVersion?: string | null;
  /** Felix's health port; only tests change it (a loopback sshd shares the host's 9099). */
  felixPort?: number;
  /**
   * `picocal verify`: when the Installation reports another version than the inventory's, judge the boards
   * against the version the cluster runs and report the difference once, as a cluster-level finding
   * (`inventory-version`), not as every board broken. The upgrade gate and bootstrap leave this off.
   */
  versionDrift?: boolean;
  onNewHostKey?: (info: NewHostKey) => void;
  /** Told as each node finishes, for progress lines. */
  onNode?: (node: NodeHealth) => void;
  signal?: AbortSignal;
  /**
   * The run's SSH pool (the upgrade gate polls every second: its sessions are reused, not opened anew each
   * poll). Without one, verifyCluster opens its own and closes it at the end.
   */
  pool?: SshPool;
}

interface ClusterAnswer {
  side: Omit<ClusterSide, 'advisory'>;
  pods: CalicoPod[] | undefined;
}

type NodeAnswer = { facts: NodeFacts } | { error: unknown };

/** Seconds each probe command may take: what is left of the node's budget, at least one second. */
function limitSeconds(deadline: number): number {
  return Math.max(1, Math.floor((deadline - Date.now()) / 1000) - 1);
}

export async function verifyCluster(inv: Inventory, opts: VerifyOptions): Promise<HealthReport> {
  const started = Date.now();
  const felixPort = opts.felixPort ?? DEFAULT_FELIX_HEALTH_PORT;
  const expectedVersion = `v${inv.cluster.calico_version.replace(/^v/, '')}`;
  const hosts = opts.nodes ? inv.hosts.filter((h) => opts.nodes?.includes(h.name)) : inv.hosts;
  const targets = hosts.map((h) => sshTargetFor(inv, h));
  const controlPlane = sshTargetFor(inv, inv.controlPlane);
  const pool =
    opts.pool ??
    new SshPool({
      connectTimeoutMs: opts.timeoutMs,
      acceptNewHostKeys: opts.acceptNewHostKeys,
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.onNewHostKey ? { onNewHostKey: opts.onNewHostKey } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  // Ctrl-C: closing every connection ends running probes at once (they fail as lost), so the command
  // stops now rather than at the next timeout.
  const onAbort = () => pool.close();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const clusterRun = probeCluster(pool, controlPlane, inv, opts.timeoutMs);
    // Node results wait for the cluster answer only at the end: pods are matched once both are in.
    const nodeRuns = pool.forEach(targets, (t) => probeNode(pool, t, inv, opts.timeoutMs, felixPort));
    const [cluster, answers] = await Promise.all([clusterRun, nodeRuns]);
    const drift = opts.versionDrift ? versionDrift(cluster, inv) : undefined;
    const boardVersion = drift?.running ?? expectedVersion;
    const nodes = answers.map((a, i) => {
      const host = hosts[i]!;
      const answer: NodeAnswer = a.ok ? a.value : { error: a.error };
      const result = nodeResult(host.name, a.target, host.role, answer, cluster, inv, boardVersion, {
        felixPort,
        calicoctlVersion: opts.calicoctlVersion === undefined ? boardVersion : opts.calicoctlVersion,
      });
      opts.onNode?.(result);
      return result;
    });
    const advisory = opts.nodes !== undefined;
    const side: ClusterSide = { ...cluster.side, advisory };
    const healthy =
      nodes.every((n) => n.healthy) && side.queried && (advisory || side.checks.every((c) => c.ok));
    return {
      healthy,
      expectedVersion,
      ...(drift ? { runningVersion: drift.running } : {}),
      cluster: side,
      nodes,
      durationMs: Date.now() - started,
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!opts.pool) pool.close();
  }
}

/**
 * The cluster runs another Calico than the inventory names: one finding, in place of the Installation's
 * version check (the boards are then judged against the running version).
 */
function versionDrift(cluster: ClusterAnswer, inv: Inventory): { running: string } | undefined {
  const installed = cluster.side.installedVersion;
  const wanted = inv.cluster.calico_version.replace(/^v/, '');
  if (!installed || installed.replace(/^v/, '') === wanted) return undefined;
  const running = `v${installed.replace(/^v/, '')}`;
  const checks = cluster.side.checks.map((c) =>
    c.name === 'installation-version'
      ? {
          name: 'inventory-version',
          ok: false,
          detail: `the cluster runs Calico ${running}; the inventory's calico_version is ${wanted}`,
        }
      : c,
  );
  cluster.side = {
    ...cluster.side,
    checks,
    problems: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
  };
  return { running };
}

async function runProbe(
  pool: SshPool,
  target: SshTarget,
  script: string,
  argv: (marker: string, limit: number) => string[],
  deadline: number,
): Promise<ProbeOutput> {
  const session = await pool.session(target);
  const marker = newMarker();
  const result = await session.exec(argv(marker, limitSeconds(deadline)), {
    stdin: script,
    timeoutMs: Math.max(1500, deadline - Date.now()),
  });
  return parseProbeOutput(result.stdout, marker);
}

async function probeNode(
  pool: SshPool,
  target: SshTarget,
  inv: Inventory,
  timeoutMs: number,
  felixPort: number,
): Promise<NodeAnswer> {
  const deadline = Date.now() + timeoutMs;
  try {
    const out = await runProbe(
      pool,
      target,
      NODE_PROBE_SCRIPT,
      (marker, limit) =>
        nodeProbeArgv({ marker, felixPort, bgp: inv.cluster.bgp, limitSeconds: Math.min(limit, 5) }),
      deadline,
    );
    return { facts: nodeFacts(out) };
  } catch (error) {
    return { error };
  }
}

/**
 * One kubectl call for every cluster-side check; only what it cannot answer is asked again by name, in a
 * second run over the same connection: everything when the call failed (a CRD not installed fails the whole
 * multi-resource get, where the single calls fail one check each), or the TigeraStatus / Installation the
 * List lacks (so the check shows kubectl's own "not found").
 */
async function askCluster(ask: (sections: readonly string[]) => Promise<ProbeOutput>): Promise<ProbeOutput> {
  const first = await ask(['all']);
  const all = first.sections.get('all');
  const split = all && all.code === 0 ? splitClusterList(all.body) : undefined;
  if (!split) return ask(CLUSTER_SECTIONS);
  const sections = new Map<string, ProbeSection>(split.sections);
  if (split.missing.length > 0) {
    const again = await ask(split.missing);
    for (const name of split.missing) {
      for (const key of [name, `${name}.stderr`]) {
        const s = again.sections.get(key);
        if (s) sections.set(key, s);
      }
    }
  }
  return { values: first.values, sections };
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]?.trim() ?? '';
}

async function probeCluster(
  pool: SshPool,
  cp: SshTarget,
  inv: Inventory,
  timeoutMs: number,
): Promise<ClusterAnswer> {
  const deadline = Date.now() + timeoutMs;
  const failed = (detail: string): ClusterAnswer => ({
    side: {
      queried: false,
      installedVersion: null,
      checks: [{ name: 'kubectl', ok: false, detail }],
      problems: [detail],
    },
    pods: undefined,
  });
  const ask = (sections: readonly string[]) =>
    runProbe(
      pool,
      cp,
      CLUSTER_PROBE_SCRIPT,
      (marker, limit) =>
        clusterProbeArgv({
          marker,
          kubectl: inv.cluster.kubernetes.kubectl,
          kubeconfig: inv.cluster.kubernetes.kubeconfig,
          limitSeconds: limit,
          sections,
        }),
      deadline,
    );
  let out: ProbeOutput;
  try {
    out = await askCluster(ask);
  } catch (err) {
    return failed(`cannot query the cluster on ${cp.node}: ${(err as Error).message}`);
  }
  const pods = out.sections.get('pods');
  if (!pods || pods.code !== 0) {
    const why = firstLine(out.sections.get('pods.stderr')?.body) || `exit code ${pods?.code ?? 'none'}`;
    const hint = pods?.code === 127 ? ` (is ${inv.cluster.kubernetes.kubectl} installed on ${cp.node}?)` : '';
    return failed(`kubectl on ${cp.node} failed${hint}: ${why}`);
  }
  const checks: Check[] = [];
  let parsedPods: CalicoPod[];
  try {
    parsedPods = parsePods(pods.body);
  } catch (err) {
    return failed((err as Error).message);
  }
  checks.push({
    name: 'kubectl',
    ok: true,
    detail: `${parsedPods.length} calico-node pods listed on ${cp.node}`,
  });
  // A failed kubectl call or unreadable answer fails that check, named as the check it stands for.
  const section = (name: string, check: string, read: (body: string) => Check): Check => {
    const s = out.sections.get(name);
    if (!s || s.code !== 0) {
      const why = firstLine(out.sections.get(`${name}.stderr`)?.body) || `exit code ${s?.code ?? 'none'}`;
      return { name: check, ok: false, detail: why };
    }
    try {
      return read(s.body);
    } catch (err) {
      return { name: check, ok: false, detail: (err as Error).message };
    }
  };
  checks.push(section('tigerastatus', 'tigerastatus-calico', tigeraStatusCheck));
  checks.push(section('allpods', 'pod-addresses', (body) => podAddressCheck(body, [inv.cluster.pod_cidr])));
  let installedVersion: string | null = null;
  checks.push(
    section('installation', 'installation-version', (body) => {
      installedVersion = installationVersion(body);
      return installationCheck(installedVersion, `v${inv.cluster.calico_version.replace(/^v/, '')}`);
    }),
  );
  return {
    side: {
      queried: true,
      installedVersion,
      checks,
      problems: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
    },
    pods: parsedPods,
  };
}

function nodeResult(
  name: string,
  target: SshTarget,
  role: NodeHealth['role'],
  answer: NodeAnswer,
  cluster: ClusterAnswer,
  inv: Inventory,
  expectedVersion: string,
  checkOpts: NodeCheckOptions,
): NodeHealth {
  const address = target.port === 22 ? target.host : `${target.host}:${target.port}`;
  const base = { name, address, role };
  if ('error' in answer) {
    const err = answer.error;
    const e = err instanceof PicocalError ? err : undefined;
    const message = err instanceof Error ? err.message : String(err);
    const pod = cluster.pods ? podFor(cluster.pods, [name]) : undefined;
    return {
      ...base,
      reachable: false,
      healthy: false,
      // What the cluster says the node's pod runs, even if the node itself cannot be asked.
      version: pod?.version ?? null,
      arch: null,
      kernel: null,
      felix: 'unknown',
      pod: cluster.pods ? podState(pod) : 'unknown',
      checks: [{ name: 'ssh', ok: false, detail: message }],
      problems: [message],
      error: { code: e?.code ?? 'E_SSH', message, ...(e?.hint ? { hint: e.hint } : {}) },
    };
  }
  const { facts } = answer;
  const checks: Check[] = [{ name: 'ssh', ok: true, detail: `logged in to ${address}` }];
  checks.push(...nodeChecks(facts, inv, checkOpts));
  let pod: NodeHealth['pod'] = 'unknown';
  let version: string | null = null;
  if (cluster.pods) {
    const found = podFor(cluster.pods, [name, facts.hostname]);
    const pc = podChecks(found, expectedVersion, name);
    checks.push(...pc.checks);
    pod = pc.state;
    version = found?.version ?? null;
  } else {
    checks.push({ name: 'pod-ready', ok: false, detail: 'unknown: the cluster could not be queried' });
  }
  const failed = checks.filter((c) => !c.ok);
  return {
    ...base,
    reachable: true,
    healthy: failed.length === 0,
    version,
    arch: facts.arch,
    kernel: facts.kernel,
    felix: felixState(facts),
    pod,
    checks,
    problems: problemsOf(failed),
  };
}

/** One line per failed check, except that Felix answering on neither endpoint is one problem, not two. */
function problemsOf(failed: readonly Check[]): string[] {
  const silent = (name: string) => failed.find((c) => c.name === name && c.detail.startsWith('no answer'));
  const readiness = silent('felix-readiness');
  const bothSilent = readiness !== undefined && silent('felix-liveness') !== undefined;
  return failed
    .filter((c) => !(bothSilent && c.name === 'felix-liveness'))
    .map((c) =>
      bothSilent && c === readiness
        ? `felix: ${c.detail.replace('/readiness', '')}`
        : `${c.name}: ${c.detail}`,
    );
}

function podState(pod: CalicoPod | undefined): NodeHealth['pod'] {
  return !pod ? 'missing' : pod.ready ? 'Ready' : 'NotReady';
}
