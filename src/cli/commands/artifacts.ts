// `picocal artifacts fetch`: fill the download cache with a release's manifests, sha256-checked, so that
// bootstrap and upgrade can run later without the network (or copy the cache to an offline machine).
import { resolveArtifacts, defaultCacheDir } from '../../artifacts/artifacts.js';
import { CALICOCTL_ARCHES, resolveCalicoctl } from '../../artifacts/calicoctl.js';
import { requireRelease, latestRelease, type CalicoctlArch } from '../../catalog/versions.js';
import { resolve } from 'node:path';
import { importReleaseFolder } from '../../artifacts/import.js';
import { EXIT, UsageError } from '../../errors.js';
import { reportCalicoctl } from '../../artifacts/calicoctl-report.js';
import { stringOption, type Command } from '../command.js';

export const artifactsFetchCommand: Command = {
  name: 'artifacts fetch',
  summary: "download a Calico release's manifests and calicoctl into the cache (sha256-checked)",
  options: {
    version: {
      type: 'string',
      arg: 'VERSION',
      description: 'Calico version (default: the newest picocal knows)',
    },
    'cache-dir': { type: 'string', arg: 'DIR', description: `cache folder (default: ${defaultCacheDir()})` },
    arch: {
      type: 'string',
      arg: 'LIST',
      description: 'calicoctl architectures, comma-separated: arm64, amd64 (default: arm64)',
    },
  },
  examples: [
    'picocal artifacts fetch --version 3.31.7',
    'picocal artifacts fetch --version 3.31.7 --arch arm64,amd64',
  ],
  async run(ctx) {
    const v = stringOption(ctx, 'version');
    const release = v ? requireRelease(v) : latestRelease();
    // Bad input is refused before anything is downloaded.
    const arches = parseArches(stringOption(ctx, 'arch') ?? 'arm64');
    const cacheDir = stringOption(ctx, 'cache-dir');
    const set = await resolveArtifacts(release, {
      ...(cacheDir ? { cacheDir } : {}),
      log: (l) => ctx.out.info(l),
    });
    const calicoctl = await resolveCalicoctl(release, arches, {
      ...(cacheDir ? { cacheDir } : {}),
      log: (l) => ctx.out.info(l),
    });
    reportCalicoctl(calicoctl, release, ctx.out);
    ctx.out.json({ ...set, calicoctl });
    for (const f of [...set.files, ...calicoctl.files]) ctx.out.print(`${f.sha256}  ${f.path}`);
    return EXIT.ok;
  },
};

export const artifactsImportCommand: Command = {
  name: 'artifacts import',
  args: 'DIR',
  summary: 'copy a release folder into the cache (sha256-checked) so later runs find the files offline',
  description:
    "DIR has the release tree's layout: DIR/<tag>/manifests/<file> and DIR/<tag>/bin/calicoctl-linux-<arch>.\n" +
    "Only files whose sha256 is the catalog's pin are copied; one that differs refuses the whole import\n" +
    '(exit 2, nothing copied). Files picocal has no pin for are listed and left out: name their folder\n' +
    'with PICOCAL_ARTIFACTS=DIR (or --artifacts DIR) to use them as user-supplied.',
  options: {
    version: { type: 'string', arg: 'VERSION', description: 'import only this Calico version' },
    'cache-dir': { type: 'string', arg: 'DIR', description: `cache folder (default: ${defaultCacheDir()})` },
  },
  examples: [
    'picocal artifacts import ../shared/calico',
    'picocal artifacts import /media/usb/calico --version 3.32.1',
  ],
  async run(ctx) {
    const [dir, ...extra] = ctx.positionals;
    if (!dir || extra.length)
      throw new UsageError(
        'artifacts import takes exactly one folder',
        'e.g. picocal artifacts import ../shared/calico',
      );
    const v = stringOption(ctx, 'version');
    const cacheDir = resolve(ctx.cwd, stringOption(ctx, 'cache-dir') ?? defaultCacheDir());
    const result = await importReleaseFolder(
      resolve(ctx.cwd, dir),
      cacheDir,
      v ? { versions: [requireRelease(v)] } : {},
    );
    for (const s of result.skipped) ctx.out.warn(`not imported: ${s.path}: ${s.reason}`);
    ctx.out.json(result);
    for (const f of result.imported) ctx.out.print(`${f.sha256}  ${f.to}`);
    ctx.out.info(`imported ${result.imported.length} file(s) into ${cacheDir}`);
    return EXIT.ok;
  },
};

function parseArches(text: string): CalicoctlArch[] {
  const list = text.split(',').map((a) => a.trim());
  const bad = list.filter((a) => !(CALICOCTL_ARCHES as readonly string[]).includes(a));
  if (bad.length > 0 || list.length === 0) {
    throw new UsageError(
      `--arch ${text}: unknown architecture ${bad.join(', ')}`,
      `use ${CALICOCTL_ARCHES.join(' and/or ')} (calicoctl's release names; aarch64 boards are arm64)`,
    );
  }
  return CALICOCTL_ARCHES.filter((a) => list.includes(a));
}
