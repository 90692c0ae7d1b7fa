// Before bootstrap or reprovision changes anything: is the cluster ready for Calico as its CNI? Reads the
// CNI facts on every board and the pod CIDRs on the control plane (read-only), decides with src/cni/cni-check.ts
// and refuses with exit 2 and the fix (k3s: `picocal k3s-config`). Read-only: a dry run evaluates it too
// (unless its lock check could not reach the control plane: then it is listed, not run).
import { checkCni } from '../../cni/cni-check.js';
import { CniNotReadyError } from '../../cni/cni-errors.js';
import { readBoardFacts, readClusterCidrs } from '../../cni/read-facts.js';
import { k3sSettings } from '../../cni/k3s-settings.js';
import type { CheckResult, PlanEntry } from '../../core/changes.js';
import type { Phase } from '../../core/phase.js';
import { EXIT, PicocalError } from '../../errors.js';
import { targetHosts, type ProvisionContext } from '../context.js';

function rows(ctx: ProvisionContext): PlanEntry[] {
  return [
    ...targetHosts(ctx).map((h) => ({
      target: h.name,
      action:
        'check: no flannel (CNI config, flannel.1), no other CNI config, k3s flannel-backend none and disable-network-policy, cluster-cidr contains pod_cidr',
    })),
    {
      target: 'cluster',
      action: `check: kubeadm podSubnet and every node's spec.podCIDR agree with pod_cidr ${ctx.inventory.cluster.pod_cidr}`,
    },
  ];
}

async function evaluate(ctx: ProvisionContext): Promise<CheckResult> {
  const inv = ctx.inventory;
  const hosts = targetHosts(ctx);
  if (!hosts.some((h) => h.name === inv.controlPlane.name)) hosts.unshift(inv.controlPlane);
  // A board that cannot be reached is left to Ansible, which reports it unreachable (the others go on).
  const read = await Promise.all(
    hosts.map(async (h) => {
      try {
        return [h.name, await readBoardFacts(ctx.pool, inv, h)] as const;
      } catch (err) {
        ctx.out.warn(`[${h.name}] CNI not checked: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
  const facts = Object.fromEntries(read.filter((x) => x !== undefined));
  for (const [name, f] of Object.entries(facts))
    if (f.unreadable.length > 0)
      ctx.out.warn(
        `[${name}] could not read ${f.unreadable.join(', ')} (not as the login user, nor with sudo -n): not checked for another CNI or k3s's settings`,
      );
  let problems;
  try {
    problems = checkCni(inv, facts, await readClusterCidrs(ctx.shell));
  } catch (err) {
    const entry: PlanEntry = {
      target: 'cluster',
      action: `check: pod CIDRs not read: ${err instanceof Error ? err.message : String(err)}`,
      verdict: 'WOULD FAIL',
      exitCode: err instanceof PicocalError ? err.exitCode : EXIT.failed,
    };
    return { entries: [entry], error: err };
  }
  if (problems.length > 0) {
    const error = new CniNotReadyError(problems);
    return {
      entries: problems.map((p) => ({
        target: p.target,
        action: `check: ${p.message} (fix: ${p.fix})`,
        verdict: 'WOULD BE REFUSED' as const,
        exitCode: error.exitCode,
      })),
      error,
    };
  }
  return {
    entries: rows(ctx).map((r) => ({ ...r, verdict: 'PASS' as const })),
    passed: () => {
      const server = Object.entries(facts).find(([, f]) => k3sSettings(f.k3sFiles).role === 'server');
      if (inv.cluster.kubernetes.flavour === 'k3s' && !server)
        ctx.out.warn(
          `no board has k3s's server unit or /etc/rancher/k3s/config.yaml: could not check flannel-backend and disable-network-policy; make sure k3s runs with the lines \`picocal k3s-config\` prints`,
        );
      ctx.out.detail(
        `CNI check: no flannel or other CNI on ${hosts.length} board(s); pod CIDRs agree with ${inv.cluster.pod_cidr}`,
      );
    },
  };
}

export const cniGuardPhase: Phase<ProvisionContext> = {
  title: 'Check the CNI already on the cluster and its pod CIDR against pod_cidr',
  run: (ctx) =>
    ctx.changes.check(async () => (ctx.controlPlaneReached ? evaluate(ctx) : { entries: rows(ctx) })),
};
