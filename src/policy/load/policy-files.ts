// Which files of a policy folder Flux should apply: those holding policy objects. Cluster snapshots
// (Pods, Namespaces) and policy test files live beside the policies but must never reach the cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../errors.js';
import { parseYamlDocuments } from '../../yaml/source-map.js';
import { checkYamlFileSizeSync } from '../../yaml/yaml-limits.js';
import { POLICY_OBJECT_KINDS } from '../model/calico-kinds.js';

const POLICY_KINDS = new Set(POLICY_OBJECT_KINDS);

export interface FolderScan {
  /** Relative to the folder, `/`-separated, sorted: what kustomization.yaml lists. */
  resources: string[];
  /** Files left out, with the reason. */
  skipped: { file: string; reason: string }[];
}

function yamlFiles(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(full, out);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(full);
  }
}

/** `apiVersion kind` of each object in a document; undefined when it holds something else. */
function kindsOf(value: unknown): string[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v['apiVersion'] !== 'string' || typeof v['kind'] !== 'string') return undefined;
  if (v['kind'].endsWith('List') && Array.isArray(v['items'])) {
    const items = v['items'].map(kindsOf);
    return items.every((i) => i !== undefined) ? items.flat() : undefined;
  }
  return [`${v['apiVersion']} ${v['kind']}`];
}

export function scanPolicyFolder(folder: string, shownAs: string): FolderScan {
  const files: string[] = [];
  try {
    yamlFiles(folder, files);
  } catch (err) {
    throw new InputError(`cannot read the policy folder ${shownAs}`, [{ message: (err as Error).message }]);
  }
  const scan: FolderScan = { resources: [], skipped: [] };
  for (const full of files) {
    const file = relative(folder, full).split('\\').join('/');
    if (/^kustomization\.ya?ml$/i.test(file)) continue;
    checkYamlFileSizeSync(full, join(shownAs, file));
    const docs = parseYamlDocuments(readFileSync(full, 'utf8'), join(shownAs, file));
    const perDoc = docs.filter((d) => d.value != null).map((d) => kindsOf(d.value));
    if (!perDoc.length || perDoc.some((k) => k === undefined)) {
      scan.skipped.push({ file, reason: 'not Kubernetes objects (a policy test file?)' });
      continue;
    }
    const kinds = perDoc.flatMap((k) => k ?? []);
    const other = kinds.filter((k) => !POLICY_KINDS.has(k));
    if (other.length) {
      scan.skipped.push({ file, reason: `holds ${[...new Set(other)].join(', ')}, not only policies` });
      continue;
    }
    scan.resources.push(file);
  }
  return scan;
}
