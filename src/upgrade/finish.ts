// The upgrade's report (report.json, or rollback-report.json after --rollback RUN): the result, the
// per-node records, the failure and rollback, and the next steps named for the user. The exit code it maps
// to is the CLI's (src/cli/commands/upgrade.ts).
import { planBatches, batchOf } from './batches.js';
import { writeCalicoVersion } from './inventory-version.js';
import { nodeRecords, type UpgradeReport, type UpgradeResult } from './report.js';
import type { RollbackResult, UpgradeContext } from './upgrade-context.js';

export function finish(
  ctx: UpgradeContext,
  result: UpgradeResult,
  rb: RollbackResult | undefined,
  versions?: { from: string; to: string; requested?: boolean },
  applyFailure?: UpgradeReport['failure'],
): UpgradeReport {
  const requested = versions?.requested === true;
  const skipped = ctx.settings.skip;
  const from = versions?.from ?? ctx.resume?.from ?? ctx.step?.from ?? '?';
  const to = versions?.to ?? ctx.step?.to.version ?? ctx.settings.to;
  const gate = ctx.gate;
  const batches = planBatches(ctx.nodes, ctx.settings.maxUnavailable);
  const batchMap = new Map(ctx.nodes.map((n) => [n, batchOf(batches, n) ?? 0]));
  const nodes = gate ? nodeRecords(gate.gates, batchMap) : nodeRecords(rb?.gate?.gates ?? [], batchMap);
  // A resumed run's gate started from a half-upgraded cluster: the version before the upgrade is the snapshot's.
  if (ctx.resume) for (const n of nodes) n.oldVersion = `v${ctx.resume.from.replace(/^v/, '')}`;
  if (rb?.gate && gate) {
    const after = new Map(rb.gate.gates.map((g) => [g.name, g]));
    for (const n of nodes) {
      n.finalVersion = after.get(n.name)?.version ?? n.finalVersion;
      if (rb.gate.outcome !== 'done') continue;
      if (n.status === 'waiting') n.status = 'untouched';
      else if (n.status === 'healthy' || n.status === 'upgrading') n.status = 'rolled-back';
    }
  }
  const inv = ctx.inventory.file;
  const cmd = `picocal upgrade -i ${inv}`;
  const next: string[] = [];
  if (result === 'upgraded' && skipped.length)
    next.push(
      `${skipped.join(', ')} ${skipped.length === 1 ? 'was' : 'were'} skipped: when back, the operator rolls ${skipped.length === 1 ? 'it' : 'them'} to v${to.replace(/^v/, '')} by itself; check with picocal verify -i ${inv}`,
    );
  const bareTo = to.replace(/^v/, '');
  if (result === 'upgraded' && ctx.inventory.cluster.calico_version.replace(/^v/, '') !== bareTo) {
    if (ctx.settings.writeInventory) {
      writeCalicoVersion(inv, bareTo);
      ctx.out.info(`set calico_version: "${bareTo}" in ${inv}`);
    } else next.push(`set calico_version: "${bareTo}" in ${inv}, so that bootstrap and verify expect it`);
  }
  for (const f of ctx.calicoctlFailed ?? [])
    next.push(
      `calicoctl was not updated on ${f.split(':')[0]}: fix it, then picocal reprovision ${f.split(':')[0]} -i ${inv}`,
    );
  if (requested && result === 'rolled-back')
    next.push(`keep calico_version: "${from.replace(/^v/, '')}" in ${inv}`);
  if (result === 'interrupted') {
    next.push(`resume: ${cmd} --resume ${ctx.run.id}`, `or roll back: ${cmd} --rollback ${ctx.run.id}`);
  }
  if (result === 'failed' && applyFailure)
    next.push(
      `roll back: ${cmd} --rollback ${ctx.run.id}`,
      `or fix the cause above and run the upgrade again: ${cmd}${ctx.inventory.cluster.calico_version.replace(/^v/, '') === to.replace(/^v/, '') ? '' : ` --to ${to.replace(/^v/, '')} --write-inventory`}`,
    );
  else if (result === 'failed')
    next.push(
      `roll back: ${cmd} --rollback ${ctx.run.id}`,
      `or fix the node and resume: ${cmd} --resume ${ctx.run.id}`,
    );
  if (result === 'rollback-failed')
    next.push(
      `check the nodes named (picocal verify -i ${inv}), then retry: ${cmd} --rollback ${ctx.run.id}`,
    );
  if (result === 'rolled-back' && (gate?.failure || applyFailure))
    next.push(
      `fix ${(gate?.failure ?? applyFailure)!.node} (see the reason above), then run the upgrade again`,
    );
  const report: UpgradeReport = {
    kind: requested ? 'rollback' : 'upgrade',
    runId: ctx.run.id,
    runDir: ctx.run.dir,
    cluster: ctx.inventory.cluster.cluster_name,
    from: `v${from.replace(/^v/, '')}`,
    to: `v${to.replace(/^v/, '')}`,
    result,
    maxUnavailable: ctx.settings.maxUnavailable,
    maxUnreadySeen: gate?.maxUnready ?? 0,
    maxUnreadyNodes: gate?.maxUnreadyNodes ?? [],
    startedAt: new Date(ctx.started).toISOString(),
    durationMs: Date.now() - ctx.started,
    upgradeMs: gate ? gate.finishedAt - gate.startedAt : null,
    failure: gate?.failure
      ? {
          node: gate.failure.node,
          reason: gate.failure.reason,
          detectedAfterMs: gate.failure.at - gate.startedAt,
        }
      : applyFailure,
    rollback: rb
      ? {
          durationMs: rb.durationMs,
          healthy: rb.gate?.outcome === 'done',
          version: `v${(ctx.snapshot?.index.version ?? from).replace(/^v/, '')}`,
          detail: rb.gate?.failure ? `[${rb.gate.failure.node}] ${rb.gate.failure.reason}` : undefined,
        }
      : undefined,
    nodes,
    skipped,
    calicoctl:
      ctx.calicoctl && ctx.calicoctlFailed
        ? {
            files: ctx.calicoctl.files.map((f) => ({ arch: f.arch, sha256: f.sha256, source: f.source })),
            missing: ctx.calicoctl.missing.map((m) => `${m.arch}: ${m.reason}`),
            failed: ctx.calicoctlFailed ?? [],
          }
        : undefined,
    next,
  };
  ctx.run.writeJson(requested ? 'rollback-report.json' : 'report.json', report);
  return report;
}
