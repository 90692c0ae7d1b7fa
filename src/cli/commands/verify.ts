// `picocal verify`: SSH to every node, check Felix, the tunnel link, BGP and node prep there, ask the
// control plane about the calico-node pods and TigeraStatus, and print one row per node.
import { InterruptedError } from '../../errors.js';
import { healthLines } from '../../health/health-table.js';
import { exitCodeFor } from '../exit-codes.js';
import { verifyCluster } from '../../health/verify-cluster.js';
import type { Inventory } from '../../inventory/types.js';
import { checkVersionStep } from '../../upgrade/version-step.js';
import type { Command } from '../command.js';
import { boardRead, DEFAULT_TIMEOUT_S, refuseArguments } from '../node-options.js';

/** What to do when the cluster runs another version than the inventory names: never a refused command. */
export function driftAdvice(running: string, inv: Inventory): string {
  const have = running.replace(/^v/, '');
  const want = inv.cluster.calico_version.replace(/^v/, '');
  const keep = `set calico_version: "${have}" in ${inv.file} to keep the running version`;
  try {
    const step = checkVersionStep({ current: have, target: want, allowDowngrade: true });
    const cmd = `picocal upgrade -i ${inv.file}${step.kind === 'downgrade' ? ' --allow-downgrade' : ''}`;
    return `${cmd} to move the cluster to ${want} as the inventory says, or ${keep}`;
  } catch (err) {
    return `${keep} (picocal upgrade would refuse ${have} → ${want}: ${(err as Error).message})`;
  }
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check Calico health on every node over SSH (Felix, tunnel, BGP, node prep, pod, version)',
  description:
    'Logs in to each node (host keys checked against known_hosts), runs one probe there (architecture,\n' +
    'kernel, Felix /readiness and /liveness on 127.0.0.1:9099, the VXLAN/IPIP link, BGP peers when BGP is\n' +
    'on, the node-prep files) and asks kubectl on the control plane for the calico-node pods, TigeraStatus\n' +
    'and the Installation version. Exit 0: all healthy; 3: some nodes unhealthy or unreachable (named);\n' +
    '1: none healthy or the cluster check failed; 2: bad input.\n' +
    'With --node, cluster-wide checks are shown but do not decide the exit code.',
  options: {
    node: { type: 'string', multiple: true, arg: 'NAME', description: 'verify only this node' },
    'accept-new-host-keys': {
      type: 'boolean',
      description: 'record unknown host keys in known_hosts (plain lines) and print their fingerprints',
    },
    timeout: {
      type: 'string',
      arg: 'S',
      description: `seconds per node for login and checks (default ${DEFAULT_TIMEOUT_S})`,
    },
  },
  examples: [
    'picocal verify -i inventory/picocluster.yaml',
    'picocal verify -i inventory/picocluster.yaml --node pc-node3 --output json',
    'picocal verify -i inventory/picocluster.yaml --accept-new-host-keys',
  ],
  async run(ctx) {
    refuseArguments(ctx);
    const { inv, read } = await boardRead(ctx);
    const report = await verifyCluster(inv, {
      ...read,
      versionDrift: true,
      onNode: (n) => ctx.out.detail(`${n.name}: ${n.healthy ? 'healthy' : n.problems.join('; ')}`),
    });
    // Ctrl-C closed every connection: what came back is not a health verdict.
    if (ctx.signal.aborted)
      throw new InterruptedError('verify interrupted', { hint: 'rerun picocal verify' });
    ctx.out.json(report);
    for (const line of healthLines(report)) ctx.out.printStyled(line);
    for (const n of report.nodes) {
      if (n.error?.hint) ctx.out.info(`${n.name}: hint: ${n.error.hint}`);
    }
    if (report.runningVersion) ctx.out.print(`next: ${driftAdvice(report.runningVersion, inv)}`);
    return exitCodeFor(report);
  },
};
