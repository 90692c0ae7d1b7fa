// The manifests one side of an upgrade consists of (CRDs, operator, the rendered custom resources), in the
// order they are applied. They reach the cluster through ClusterShell.applyManifest (src/cluster).
import { readFile } from 'node:fs/promises';
import type { ArtifactSet } from '../artifacts/artifacts.js';
import { sha256 } from '../artifacts/artifacts.js';
import type { CalicoRelease } from '../catalog/versions.js';

export interface Manifest {
  /** File name as the release (and the control plane's applied/ folder) names it. */
  name: string;
  role: 'crds' | 'operator' | 'custom-resources';
  content: string;
  sha256: string;
}

export function manifest(name: string, role: Manifest['role'], content: string): Manifest {
  return { name, role, content, sha256: sha256(content) };
}

/** CRDs first (the operator and the custom resources need them), then the operator, then the resources. */
export async function releaseManifestSet(
  release: CalicoRelease,
  artifacts: ArtifactSet,
  customResources: string,
): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const f of [release.crds, release.operator]) {
    if (!f) continue;
    const file = artifacts.files.find((a) => a.name === f.name);
    if (!file) throw new Error(`artifact set for ${release.version} lacks ${f.name}`);
    out.push(manifest(f.name, f.role, await readFile(file.path, 'utf8')));
  }
  out.push(manifest(release.customResources.name, 'custom-resources', customResources));
  return out;
}
