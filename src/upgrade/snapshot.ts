// What the cluster runs before the upgrade, kept in the run folder so that a rollback needs neither the
// network nor the artifact cache: the version, the operator's custom resources as the cluster has them
// (raw, and cleaned to something `kubectl apply --server-side` takes back), and the manifest set that was
// applied (from the control plane's applied/ folder, else the sha256-checked release files).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { sha256 } from '../artifacts/artifacts.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import { findRelease } from '../catalog/versions.js';
import type { ClusterShell } from '../cluster/cluster-shell.js';
import { STATE_DIR } from '../cluster/cluster-shell.js';
import { manifest, type Manifest } from './manifests.js';
import { UpgradeRefusedError } from './upgrade-errors.js';

/** The operator resources picocal renders (custom-resources.yaml): what a rollback puts back. */
export const OPERATOR_KINDS = [
  'installations.operator.tigera.io',
  'apiservers.operator.tigera.io',
  'goldmanes.operator.tigera.io',
  'whiskers.operator.tigera.io',
] as const;

export const SNAPSHOT_DIR = 'snapshot';

export interface SnapshotIndex {
  version: string;
  takenAt: string;
  manifests: { name: string; role: Manifest['role']; sha256: string; source: string }[];
  customResources: { kinds: string[]; objects: string[] };
}

export interface Snapshot {
  index: SnapshotIndex;
  manifests: Manifest[];
}

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown>; kind?: string };

/** Only what the user (or picocal) set: server-filled metadata and status would be refused or fought over. */
export function cleanForApply(o: Obj): Obj {
  const meta = o.metadata ?? {};
  const keep: Record<string, unknown> = { name: meta['name'] };
  if (meta['namespace']) keep['namespace'] = meta['namespace'];
  if (meta['labels']) keep['labels'] = meta['labels'];
  const annotations = Object.fromEntries(
    Object.entries((meta['annotations'] as Record<string, string> | undefined) ?? {}).filter(
      ([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  if (Object.keys(annotations).length) keep['annotations'] = annotations;
  const { status: _status, metadata: _metadata, ...rest } = o;
  return { apiVersion: rest['apiVersion'], kind: rest['kind'], metadata: keep, ...rest };
}

async function liveResources(shell: ClusterShell): Promise<Obj[]> {
  const objects: Obj[] = [];
  for (const kind of OPERATOR_KINDS) {
    const r = await shell.kubectlRaw(['get', kind, '-o', 'json']);
    // An older release has no Goldmane/Whisker types: nothing of that kind to snapshot.
    if (
      r.code !== 0 &&
      /doesn't have a resource type|the server could not find the requested resource/i.test(r.stderr)
    )
      continue;
    if (r.code !== 0) {
      throw new UpgradeRefusedError(`cannot snapshot ${kind}`, [r.stderr.trim()], { node: shell.node });
    }
    objects.push(...((JSON.parse(r.stdout) as { items?: Obj[] }).items ?? []));
  }
  return objects;
}

/** Manifests the running version was installed from. Refuses when neither source has them. */
async function runningManifests(shell: ClusterShell, version: string, source: ReleaseSource) {
  const release = findRelease(version);
  if (!release) {
    throw new UpgradeRefusedError(
      `cannot snapshot Calico ${version} for a rollback`,
      [`${version} is not in picocal's catalog, so picocal does not know its manifest names`],
      {
        hint: 'upgrade by hand to a catalog version first, or pass --no-rollback to go on without a way back',
      },
    );
  }
  const out: { m: Manifest; source: string }[] = [];
  const missing: string[] = [];
  for (const f of [release.crds, release.operator]) {
    if (!f) continue;
    const text = await shell.readFile(`${STATE_DIR}/applied/${f.name}`);
    if (text !== undefined)
      out.push({ m: manifest(f.name, f.role, text), source: `${shell.node}:${STATE_DIR}/applied/${f.name}` });
    else missing.push(f.name);
  }
  if (missing.length) {
    const set = await source.manifests(release);
    for (const name of missing) {
      const f = set.files.find((x) => x.name === name)!;
      const file = [release.crds, release.operator].find((x) => x?.name === name)!;
      out.push({ m: manifest(name, file.role, readFileSync(f.path, 'utf8')), source: f.path });
    }
  }
  const order = { crds: 0, operator: 1, 'custom-resources': 2 } as const;
  return out.sort((a, b) => order[a.m.role] - order[b.m.role]);
}

export async function takeSnapshot(
  shell: ClusterShell,
  version: string,
  runDir: string,
  source: ReleaseSource,
): Promise<Snapshot> {
  const dir = join(runDir, SNAPSHOT_DIR);
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  const live = await liveResources(shell);
  writeFileSync(join(dir, 'custom-resources.live.json'), JSON.stringify(live, null, 2) + '\n');
  const crText =
    `# Operator resources as the cluster had them before the upgrade (Calico ${version}), cleaned for\n` +
    `# kubectl apply --server-side: what a rollback puts back.\n` +
    live.map((o) => dump(cleanForApply(o), { noRefs: true } as never)).join('---\n');
  const files = await runningManifests(shell, version, source);
  const cr = manifest('custom-resources.yaml', 'custom-resources', crText);
  const all = [...files, { m: cr, source: 'kubectl get (cleaned)' }];
  for (const { m } of all) writeFileSync(join(dir, 'manifests', m.name), m.content);
  const index: SnapshotIndex = {
    version,
    takenAt: new Date().toISOString(),
    manifests: all.map(({ m, source }) => ({ name: m.name, role: m.role, sha256: m.sha256, source })),
    customResources: {
      kinds: [...OPERATOR_KINDS],
      objects: live.map((o) => `${o.kind}/${String(o.metadata?.['name'])}`),
    },
  };
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(index, null, 2) + '\n');
  return { index, manifests: all.map(({ m }) => m) };
}

/** Reads a snapshot back from a run folder; every file must still match the sha256 recorded with it. */
export function loadSnapshot(runDir: string): Snapshot {
  const dir = join(runDir, SNAPSHOT_DIR);
  const index = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as SnapshotIndex;
  const manifests = index.manifests.map((e) => {
    const content = readFileSync(join(dir, 'manifests', e.name), 'utf8');
    if (sha256(content) !== e.sha256) {
      throw new UpgradeRefusedError(
        `the snapshot in ${dir} was altered`,
        [`${e.name} no longer has sha256 ${e.sha256}`],
        {
          hint: 'restore the run folder from a backup; picocal will not roll back to files it cannot trust',
        },
      );
    }
    return manifest(e.name, e.role, content);
  });
  return { index, manifests };
}
