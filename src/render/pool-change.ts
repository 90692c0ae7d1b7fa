// What a render changes in the operator's IP pools that a running cluster will not follow. The rendered
// Installation lists the pools (`spec.calicoNetwork.ipPools`); the operator creates them at install time.
// Calico does not change an existing pool's `blockSize` ("The value can only be set when the pool is
// created": https://docs.tigera.io/calico/latest/reference/resources/ippool) and moving pods to another
// CIDR is a migration of its own (create the new pool, disable the old one, recreate the pods:
// https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools and .../ipam/change-block-size).
// So `plan` and `render --diff` say so next to the diff, instead of letting a bootstrap look like it
// converged the cluster to a pool it cannot have.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYamlDocuments } from '../yaml/source-map.js';

/** The rendered file that carries the Installation (relative to the render folder). */
export const CUSTOM_RESOURCES_FILE = 'manifests/custom-resources.yaml';

export interface RenderedPool {
  name: string;
  cidr?: string;
  blockSize?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pools of the Installation in a rendered custom-resources.yaml (none when it has no Installation). */
export function renderedPools(text: string, file: string): RenderedPool[] {
  for (const doc of parseYamlDocuments(text, file)) {
    const v = doc.value;
    if (!isRecord(v) || v['kind'] !== 'Installation') continue;
    const spec = isRecord(v['spec']) ? v['spec'] : {};
    const network = isRecord(spec['calicoNetwork']) ? spec['calicoNetwork'] : {};
    const pools = Array.isArray(network['ipPools']) ? network['ipPools'] : [];
    return pools.filter(isRecord).map((p) => ({
      name: String(p['name'] ?? ''),
      ...(typeof p['cidr'] === 'string' ? { cidr: p['cidr'] } : {}),
      ...(typeof p['blockSize'] === 'number' ? { blockSize: p['blockSize'] } : {}),
    }));
  }
  return [];
}

/**
 * One line per pool change a running cluster will not follow. `previous` is the earlier render's file
 * text (undefined when there is none: a first render changes no running pool).
 */
export function poolChangeNotes(previous: string | undefined, next: string): string[] {
  if (previous === undefined) return [];
  const before = new Map(renderedPools(previous, CUSTOM_RESOURCES_FILE).map((p) => [p.name, p]));
  const notes: string[] = [];
  for (const pool of renderedPools(next, CUSTOM_RESOURCES_FILE)) {
    const old = before.get(pool.name);
    if (!old) continue;
    if (old.cidr !== pool.cidr) {
      notes.push(
        `IP pool ${pool.name}: cidr ${old.cidr ?? '(unset)'} -> ${pool.cidr ?? '(unset)'} does not reach a ` +
          'running cluster: its pods keep their addresses and the operator does not move a pool. Migrate ' +
          'by hand (https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools), and keep the ' +
          "pool inside Kubernetes' cluster CIDR",
      );
    }
    if (old.blockSize !== pool.blockSize) {
      notes.push(
        `IP pool ${pool.name}: blockSize ${old.blockSize ?? '(unset)'} -> ${pool.blockSize ?? '(unset)'} ` +
          'does not reach a running cluster: Calico sets a block size only when a pool is created ' +
          '(https://docs.tigera.io/calico/latest/networking/ipam/change-block-size)',
      );
    }
  }
  return notes;
}

/** The notes for a render into `staged` over the previous render in `target`. */
export async function poolChangeNotesForTrees(target: string, staged: string): Promise<string[]> {
  const previousFile = join(target, CUSTOM_RESOURCES_FILE);
  const nextFile = join(staged, CUSTOM_RESOURCES_FILE);
  if (!existsSync(nextFile)) return [];
  const previous = existsSync(previousFile) ? await readFile(previousFile, 'utf8') : undefined;
  return poolChangeNotes(previous, await readFile(nextFile, 'utf8'));
}
