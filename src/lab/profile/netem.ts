// Delay and jitter on a board's link with `tc qdisc ... netem`, on both ends of its veth (host side: traffic
// to the board; the board's eth0: traffic from it), so each direction gets one delay, as on a LAN. Contract:
// tc-netem(8), https://man7.org/linux/man-pages/man8/tc-netem.8.html. LAB ONLY.
import { hostCommand } from '../host-command.js';

/** Whether this kernel has the netem qdisc (sch_netem), tried on the loopback of a throwaway namespace. */
export async function netemProblem(): Promise<string | undefined> {
  const ns = `picocal-netem-probe-${process.pid}`;
  const add = await hostCommand('ip', ['netns', 'add', ns], { allowFailure: true });
  if (add.exitCode !== 0) return `could not make a network namespace to try netem in: ${add.stderr.trim()}`;
  try {
    const r = await hostCommand(
      'ip',
      ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'],
      { allowFailure: true },
    );
    if (r.exitCode === 0) return undefined;
    return `this kernel has no netem qdisc (sch_netem): tc said '${r.stderr.trim() || `exit ${r.exitCode}`}'`;
  } finally {
    await hostCommand('ip', ['netns', 'del', ns], { allowFailure: true });
  }
}

export function netemArgs(dev: string, delayUs: number, jitterUs: number): string[] {
  // `replace`: idempotent when a board's link is made again (power cycle, partition heal).
  return [
    'qdisc',
    'replace',
    'dev',
    dev,
    'root',
    'netem',
    'delay',
    `${delayUs}us`,
    `${jitterUs}us`,
    'distribution',
    'normal',
  ];
}

export async function applyNetem(
  link: { veth: string; netns: string },
  delayUs: number,
  jitterUs: number,
): Promise<void> {
  await hostCommand('tc', netemArgs(link.veth, delayUs, jitterUs));
  await hostCommand('ip', ['netns', 'exec', link.netns, 'tc', ...netemArgs('eth0', delayUs, jitterUs)]);
}
