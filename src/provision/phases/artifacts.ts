// The Calico release manifests and calicoctl for the boards' architectures, from the run's release source,
// sha256-checked. A dry run looks them up read-only (src/provision/checks.ts: nothing is downloaded).
import { calicoctlArches } from '../../artifacts/calicoctl.js';
import { reportCalicoctl } from '../../artifacts/calicoctl-report.js';
import { requireRelease } from '../../catalog/versions.js';
import type { Phase } from '../../core/phase.js';
import { artifactsCheck } from '../checks.js';
import { targetHosts, type ProvisionContext } from '../context.js';

export const artifactsPhase: Phase<ProvisionContext> = {
  title: 'Check the Calico release manifests and calicoctl (sha256)',
  run: (ctx) =>
    ctx.changes.step(
      () => artifactsCheck(ctx),
      async () => {
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
    ),
};

export function planCalicoctl(ctx: ProvisionContext): { installs: boolean; text: string } {
  return ctx.releaseSource.planCalicoctl(
    requireRelease(ctx.inventory.cluster.calico_version),
    calicoctlArches(targetHosts(ctx)),
  );
}
