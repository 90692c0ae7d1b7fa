// `picocal artifacts fetch`: fill the download cache with a release's manifests, sha256-checked, so that
// bootstrap and upgrade can run later without the network (or copy the cache to an offline machine).
import { resolveArtifacts, defaultCacheDir } from '../../artifacts/artifacts.js';
import { requireRelease, latestRelease } from '../../catalog/versions.js';
import { EXIT } from '../../errors.js';
import { stringOption, type Command } from '../command.js';

export const artifactsFetchCommand: Command = {
  name: 'artifacts fetch',
  summary: "download a Calico release's manifests into the cache (sha256-checked)",
  options: {
    version: {
      type: 'string',
      arg: 'VERSION',
      description: 'Calico version (default: the newest picocal knows)',
    },
    'cache-dir': { type: 'string', arg: 'DIR', description: `cache folder (default: ${defaultCacheDir()})` },
  },
  examples: ['picocal artifacts fetch --version 3.32.1'],
  async run(ctx) {
    const v = stringOption(ctx, 'version');
    const release = v ? requireRelease(v) : latestRelease();
    const cacheDir = stringOption(ctx, 'cache-dir');
    const set = await resolveArtifacts(release, {
      ...(cacheDir ? { cacheDir } : {}),
      log: (l) => ctx.out.info(l),
    });
    ctx.out.json(set);
    for (const f of set.files) ctx.out.print(`${f.sha256}  ${f.path}`);
    return EXIT.ok;
  },
};
