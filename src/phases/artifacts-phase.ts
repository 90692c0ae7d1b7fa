import { resolveArtifacts } from '../artifacts/artifacts.js';
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
    ctx.artifacts = await resolveArtifacts(release, {
      ...(ctx.artifactsDir ? { artifactsDir: ctx.artifactsDir } : {}),
      log: (l) => ctx.out.info(l),
    });
    for (const f of ctx.artifacts.files) ctx.out.detail(`${f.name}: sha256 ${f.sha256}${f.verified ? ' (catalog match)' : ' (user-supplied)'}`);
  },
};
