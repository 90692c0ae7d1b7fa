// The lab's network: one bridge with the gateway address, one veth + network namespace per node, an
// iptables guard and a fallback route so that lab traffic never leaves the bridge. LAB ONLY.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { LabError } from '../errors.js';
import { hostCommand, ipBatch } from './host-command.js';
import { FALLBACK_ROUTE_METRIC, type LabIdentity, type LabNodeIdentity } from './lab-naming.js';

export async function createBridge(lab: LabIdentity): Promise<void> {
  // The unreachable route comes first: if the bridge ever vanishes, the lab /24 stays off the real network.
  await ipBatch([
    `route add unreachable ${lab.subnet} metric ${FALLBACK_ROUTE_METRIC}`,
    `link add ${lab.bridge} address ${lab.bridgeMac} type bridge`,
    `addr add ${lab.gateway}/24 dev ${lab.bridge}`,
    `link set ${lab.bridge} up`,
  ]);
  await guardForwarding(lab);
}

/**
 * Anything routed into or out of the bridge is dropped: nodes talk to each other and to the host only.
 * Board-to-board frames are bridged, not routed, but with br_netfilter loaded (Docker and Kubernetes hosts,
 * net.bridge.bridge-nf-call-iptables=1) they traverse FORWARD too, as `-i <bridge> -o <bridge>`: the first
 * rule accepts exactly those, so the guard drops only traffic leaving or entering the lab.
 */
async function guardForwarding(lab: LabIdentity): Promise<void> {
  const rule = (...argv: string[]) =>
    hostCommand('iptables', ['-w', '-I', 'FORWARD', ...argv, '-m', 'comment', '--comment', lab.ruleComment]);
  for (const dir of ['-i', '-o']) {
    await hostCommand('iptables', [
      '-w',
      '-I',
      'FORWARD',
      dir,
      lab.bridge,
      '-m',
      'comment',
      '--comment',
      lab.ruleComment,
      '-j',
      'DROP',
    ]);
  }
  // Inserted last, so it is first.
  await rule('-i', lab.bridge, '-o', lab.bridge, '-j', 'ACCEPT');
}

/** Removes every FORWARD rule carrying this lab's comment (found by comment, so it works without state). */
export async function removeGuard(lab: LabIdentity): Promise<void> {
  const listed = await hostCommand('iptables', ['-w', '-S', 'FORWARD'], { allowFailure: true });
  for (const line of listed.stdout.split('\n')) {
    const argv = line.trim().split(/\s+/);
    const comment = argv[argv.indexOf('--comment') + 1]?.replace(/^"|"$/g, '');
    if (argv[0] !== '-A' || comment !== lab.ruleComment) continue;
    await hostCommand('iptables', ['-w', '-D', ...argv.slice(1).map((a) => a.replace(/^"|"$/g, ''))], {
      allowFailure: true,
    });
  }
}

export async function createNodeLinks(lab: LabIdentity, nodes: readonly LabNodeIdentity[]): Promise<void> {
  await ipBatch(
    nodes.flatMap((n) => [
      `netns add ${n.netns}`,
      `link add ${n.veth} address ${n.hostMac} type veth peer name eth0 address ${n.mac} netns ${n.netns}`,
      `link set ${n.veth} master ${lab.bridge} up`,
    ]),
  );
  await Promise.all(
    nodes.map((n) =>
      ipBatch(
        [
          'link set lo up',
          `addr add ${n.address}/24 dev eth0`,
          'link set eth0 up',
          `route add default via ${lab.gateway}`,
        ],
        { netns: n.netns },
      ),
    ),
  );
}

/**
 * Deleting a namespace frees its veth pair in the background (much faster than deleting links one by
 * one); a veth that outlives that, e.g. because something still pins its namespace, is deleted by name.
 */
export async function removeNodeLinks(nodes: readonly { netns: string; veth: string }[]): Promise<void> {
  await ipBatch(
    nodes.filter((n) => existsSync(`/run/netns/${n.netns}`)).map((n) => `netns del ${n.netns}`),
    { force: true },
  );
  const deadline = Date.now() + 500;
  let left = nodes.filter((n) => linkExists(n.veth));
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    left = left.filter((n) => linkExists(n.veth));
  }
  await ipBatch(
    left.map((n) => `link del ${n.veth}`),
    { force: true },
  );
}

export async function removeBridge(lab: LabIdentity): Promise<void> {
  await removeGuard(lab);
  await ipBatch(
    [
      ...(linkExists(lab.bridge) ? [`link del ${lab.bridge}`] : []),
      `route del unreachable ${lab.subnet} metric ${FALLBACK_ROUTE_METRIC}`,
    ],
    { force: true },
  );
}

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Administrative state of a host link (the node end of a partition is its host-side veth). */
export function linkUp(name: string): boolean {
  try {
    return (Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16) & 0x1) === 1;
  } catch {
    return false;
  }
}

export async function setLink(name: string, up: boolean): Promise<void> {
  await hostCommand('ip', ['link', 'set', name, up ? 'up' : 'down']);
}

/** This lab's leftovers found by name prefix: namespaces and host links (for `down` without lab.json). */
export function leftoverNetwork(lab: LabIdentity): { netns: string[]; links: string[] } {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  return {
    // Exact shapes, not bare prefixes: lab 'a' must never match lab 'a-b''s namespaces.
    netns: list('/run/netns').filter(
      (n) => n.startsWith(lab.netnsPrefix) && /^n[0-9]+$/.test(n.slice(lab.netnsPrefix.length)),
    ),
    links: list('/sys/class/net').filter(
      (l) =>
        l === lab.bridge || (l.startsWith(lab.vethPrefix) && /^[0-9]+$/.test(l.slice(lab.vethPrefix.length))),
    ),
  };
}

/** Refuses a subnet that some other interface or route on the host already uses. */
export async function assertSubnetFree(lab: LabIdentity): Promise<void> {
  const routes = await hostCommand('ip', ['-4', '-o', 'route', 'show', 'root', lab.subnet], {
    allowFailure: true,
  });
  const foreign = routes.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => !l.includes(`dev ${lab.bridge}`) && !/^unreachable /.test(l.trim()));
  if (foreign.length > 0) {
    throw new LabError(
      `lab '${lab.name}' would use ${lab.subnet}, which the host already routes: ${foreign[0]}`,
      {
        hint: 'pick another --name: the subnet 10.77.X.0/24 is derived from the lab name',
      },
    );
  }
}

/** Unmounts /run/netns when no namespace is left in it, as a host without labs had it. */
export async function releaseNetnsMount(): Promise<void> {
  if (!existsSync('/run/netns') || readdirSync('/run/netns').length > 0) return;
  const mounted = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === '/run/netns');
  if (mounted) await hostCommand('umount', ['/run/netns'], { allowFailure: true });
}
