import { join } from 'node:path';
import { labOnlyArtifacts, resolveArtifacts } from '../artifacts/artifacts.js';
import {
  calicoctlArches,
  calicoctlPlan,
  resolveCalicoctl,
  type CalicoctlSet,
} from '../artifacts/calicoctl.js';
import { UsageError } from '../errors.js';
import { calicoctlStandIn } from '../lab/calico-node/calicoctl-standin.js';
import { PACKAGE_ROOT } from '../paths.js';
import { requireRelease, type CalicoRelease } from '../catalog/versions.js';
import type { Output } from '../cli/output.js';
import { targetHosts, type ProvisionContext } from '../workflows/provision-context.js';
import type { Phase } from './phase.js';

export const artifactsPhase: Phase<ProvisionContext> = {
  title: 'Check the Calico release manifests and calicoctl (sha256)',
  plan: (ctx) => [
    {
      target: 'local',
      action: `use Calico ${ctx.inventory.cluster.calico_version} manifests from ${ctx.labManifests ? 'the LAB-ONLY stand-in set' : (ctx.artifactsDir ?? 'the download cache')}, sha256-checked; ${planCalicoctl(ctx).text}`,
    },
  ],
  async run(ctx) {
    const release = requireRelease(ctx.inventory.cluster.calico_version);
    const labDir = join(ctx.renderDir, 'lab-artifacts');
    if (ctx.labManifests) {
      if (!ctx.inventory.cluster.lab.enabled) {
        throw new UsageError(
          '--lab-manifests is only for the virtual PicoCluster',
          'real clusters get the real, sha256-checked Calico manifests',
        );
      }
      ctx.artifacts = await labOnlyArtifacts(
        release,
        labDir,
        join(PACKAGE_ROOT, 'src/lab/operator/lab-manifests'),
      );
      ctx.out.warn(
        `using the LAB-ONLY stand-in manifests for Calico ${release.version}: not Calico, for the virtual PicoCluster only`,
      );
    } else {
      ctx.artifacts = await resolveArtifacts(release, {
        ...(ctx.artifactsDir ? { artifactsDir: ctx.artifactsDir } : {}),
        log: (l) => ctx.out.info(l),
      });
      for (const f of ctx.artifacts.files)
        ctx.out.detail(
          `${f.name}: sha256 ${f.sha256}${f.verified ? ' (catalog match)' : ' (user-supplied)'}`,
        );
    }
    ctx.calicoctl = await resolveCalicoctl(release, calicoctlArches(targetHosts(ctx)), {
      ...(ctx.artifactsDir && !ctx.labManifests ? { artifactsDir: ctx.artifactsDir } : {}),
      ...(ctx.inventory.cluster.lab.enabled ? { lab: { targetDir: labDir, script: calicoctlStandIn } } : {}),
      log: (l) => ctx.out.info(l),
    });
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
  return calicoctlPlan(
    requireRelease(ctx.inventory.cluster.calico_version),
    calicoctlArches(targetHosts(ctx)),
    { artifactsDir: ctx.labManifests ? undefined : ctx.artifactsDir, lab: ctx.inventory.cluster.lab.enabled },
  );
}
