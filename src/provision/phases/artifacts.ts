import { calicoctlArches, type CalicoctlSet } from '../../artifacts/calicoctl.js';
import { requireRelease, type CalicoRelease } from '../../catalog/versions.js';
import type { Output } from '../../cli/output.js';
import { targetHosts, type ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

export const artifactsPhase: Phase<ProvisionContext> = {
  title: 'Check the Calico release manifests and calicoctl (sha256)',
  plan: (ctx) => [
    {
      target: 'local',
      action: `use Calico ${ctx.inventory.cluster.calico_version} manifests from ${ctx.releaseSource.description}, sha256-checked; ${planCalicoctl(ctx).text}`,
    },
  ],
  async run(ctx) {
    const release = requireRelease(ctx.inventory.cluster.calico_version);
    const source = ctx.releaseSource;
    ctx.artifacts = await source.manifests(release, (l) => ctx.out.info(l));
    if (ctx.artifacts.labOnly)
      ctx.out.warn(
        `using the LAB-ONLY stand-in manifests for Calico ${release.version}: not Calico, for the virtual PicoCluster only`,
      );
    for (const f of ctx.artifacts.files)
      ctx.out.detail(
        `${f.name}: sha256 ${f.sha256}${f.verified ? ' (catalog match)' : ctx.artifacts.labOnly ? ' (LAB ONLY pin)' : ' (user-supplied)'}`,
      );
    ctx.calicoctl = await source.calicoctl(release, calicoctlArches(targetHosts(ctx)), (l) =>
      ctx.out.info(l),
    );
    reportCalicoctl(ctx.calicoctl, release, ctx.out);
  },
};

export function reportCalicoctl(set: CalicoctlSet, release: CalicoRelease, out: Output): void {
  if (set.labOnly) {
    out.warn(
      `using the LAB-ONLY calicoctl stand-in for ${release.tag}: a shell script, for the virtual PicoCluster only`,
    );
  }
  for (const f of set.files) out.detail(`calicoctl-linux-${f.arch}: sha256 ${f.sha256} (${f.source})`);
  for (const m of set.missing)
    out.warn(`calicoctl will not be installed for ${m.arch} boards: ${m.reason}; ${m.hint}`);
}

export function planCalicoctl(ctx: ProvisionContext): { installs: boolean; text: string } {
  return ctx.releaseSource.planCalicoctl(
    requireRelease(ctx.inventory.cluster.calico_version),
    calicoctlArches(targetHosts(ctx)),
  );
}
