// The one place a run's release source is chosen (see src/artifacts/release-source.ts): --artifacts DIR,
// else the PICOCAL_ARTIFACTS environment variable, else the inventory's `picocal.artifacts_dir` (relative
// to the inventory's folder), else the download cache. For the virtual PicoCluster (an inventory with
// `lab.enabled`) the lab's own pinned stand-ins fill in what is not at hand (LAB ONLY).
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { cacheSource, folderSource, type ReleaseSource } from '../artifacts/release-source.js';
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { labReleaseSource } from '../lab/lab-release-source.js';
import { flag, stringOption, type CommandContext, type OptionSpec } from './command.js';

export const ARTIFACTS_OPTION: OptionSpec = {
  type: 'string',
  arg: 'DIR',
  description:
    "Calico release files (DIR/<tag>/manifests/, DIR/<tag>/bin/); default: PICOCAL_ARTIFACTS, the inventory's artifacts_dir, the cache",
};

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/** The base source, without the lab's stand-ins. */
export function namedSource(
  ctx: CommandContext,
  inventory: Inventory | undefined,
  opts: { download?: boolean } = {},
): ReleaseSource {
  const flagDir = stringOption(ctx, 'artifacts');
  if (flagDir) return folderSource(resolve(ctx.cwd, expandHome(flagDir)), '--artifacts');
  const env = process.env['PICOCAL_ARTIFACTS'];
  if (env) return folderSource(resolve(ctx.cwd, expandHome(env)), 'PICOCAL_ARTIFACTS');
  const fromInventory = inventory?.cluster.artifacts_dir;
  if (fromInventory && inventory) {
    const p = expandHome(fromInventory);
    return folderSource(isAbsolute(p) ? p : resolve(dirname(inventory.file), p), 'inventory');
  }
  return cacheSource(opts.download === false ? { download: false } : {});
}

export function releaseSourceFor(ctx: CommandContext, inventory: Inventory): ReleaseSource {
  const base = namedSource(ctx, inventory);
  const standIn = flag(ctx, 'lab-manifests');
  if (!inventory.cluster.lab.enabled) {
    if (standIn)
      throw new UsageError(
        '--lab-manifests is only for the virtual PicoCluster',
        'real clusters get the real, sha256-checked Calico manifests',
      );
    return base;
  }
  return labReleaseSource(base, {
    standInManifests: standIn,
    workDir: join(dirname(inventory.file), 'lab-artifacts'),
  });
}
