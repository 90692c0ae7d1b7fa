import { join } from 'node:path';
import { labOnlyArtifacts, resolveArtifacts } from '../artifacts/artifacts.js';
import { UsageError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { requireRelease } from '../catalog/versions.js';
import type { ProvisionContext } from '../workflows/provision-context.js';
import type { Phase } from './phase.js';

export const artifactsPhase: Phase<ProvisionContext> = {
  title: 'Check the Calico release manifests (sha256)',
  plan: (ctx) => [
    {
      target: 'local',
      action: `use Calico ${ctx.inventory.cluster.calico_version} manifests from ${ctx.artifactsDir ?? 'the download cache'}, sha256-checked`,
    },
  ],
  async run(ctx) {
    const release = requireRelease(ctx.inventory.cluster.calico_version);
    if (ctx.labManifests) {
      if (!ctx.inventory.cluster.lab.enabled) {
        throw new UsageError(
          '--lab-manifests is only for the virtual PicoCluster',
          'real clusters get the real, sha256-checked Calico manifests',
        );
      }
      ctx.artifacts = await labOnlyArtifacts(
        release,
        join(ctx.renderDir, 'lab-artifacts'),
        join(PACKAGE_ROOT, 'src/lab/operator/lab-manifests'),
      );
      ctx.out.warn(
        `using the LAB-ONLY stand-in manifests for Calico ${release.version}: not Calico, for the virtual PicoCluster only`,
      );
      return;
    }
    ctx.artifacts = await resolveArtifacts(release, {
      ...(ctx.artifactsDir ? { artifactsDir: ctx.artifactsDir } : {}),
      log: (l) => ctx.out.info(l),
    });
    for (const f of ctx.artifacts.files)
      ctx.out.detail(`${f.name}: sha256 ${f.sha256}${f.verified ? ' (catalog match)' : ' (user-supplied)'}`);
  },
};
