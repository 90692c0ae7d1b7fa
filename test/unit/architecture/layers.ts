// The layers of src/ and the rules the import graph must keep (issue #17, docs/ARCHITECTURE.md):
//   core ← net/schema/yaml ← domain engines ← workflows ← cli
// A file may import its own layer or one below, never one above; the folders must not import each other
// in a circle; no file imports itself round a cycle; and lab code (the stand-ins) is reached only from
// the lab itself and the CLI's composition root. A new top-level folder must be given a layer here.
import type { ImportEdge } from './import-graph.js';

/** Bottom first. A name is a folder of src/ or a file directly in src/. */
export const LAYERS: readonly (readonly string[])[] = [
  // core: the project's own standard library (phase, phase manager, changes, output, table, atomic write,
  // run folder). errors.ts, paths.ts and terminal-text.ts stay at src/ root (every folder imports errors.ts).
  ['core', 'errors.ts', 'paths.ts', 'terminal-text.ts'],
  ['net', 'schema', 'yaml'],
  // Domain engines; catalog (pinned releases) sits here as the issue puts it, though only engines use it.
  [
    'inventory',
    'render',
    'ssh',
    'ansible',
    'health',
    'policy',
    'cluster',
    'lab',
    'artifacts',
    'catalog',
    'cni',
  ],
  // Workflows: each folder holds its ordered phase list, its phases and its domain files.
  ['provision', 'upgrade', 'observe', 'generate'],
  ['cli'],
];

/** Only these may import src/lab: the lab itself and the CLI, the composition root that picks the stand-ins. */
export const LAB_IMPORTERS: readonly string[] = ['lab', 'cli'];

export interface Allowed {
  /** A file, or a folder prefix ending in `/`. */
  from: string;
  to: string;
  why: string;
}

/**
 * Known violations, each with why it is allowed. Empty since the phase engine and the workflow folders
 * landed; each entry must still match an import (a stale one fails the check), so the list only shrinks.
 */
export const KNOWN_VIOLATIONS: readonly Allowed[] = [];

export interface Violation {
  rule: 'unknown-folder' | 'upward' | 'lab' | 'folder-cycle' | 'file-cycle' | 'stale-allowance';
  message: string;
}

/** `src/policy/x.ts` → `policy`; `src/errors.ts` → `errors.ts`. */
export function unitOf(file: string): string {
  const parts = file.split('/');
  return parts[1] ?? file;
}

function matches(a: Allowed, e: ImportEdge): boolean {
  return (a.from.endsWith('/') ? e.from.startsWith(a.from) : e.from === a.from) && e.to === a.to;
}

/** Strongly connected components with more than one member (Tarjan). */
export function cycles(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  const visit = (v: string): void => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

export interface LayerRules {
  layers: readonly (readonly string[])[];
  labImporters: readonly string[];
  allowed: readonly Allowed[];
}

export const RULES: LayerRules = { layers: LAYERS, labImporters: LAB_IMPORTERS, allowed: KNOWN_VIOLATIONS };

export function checkLayers(
  files: readonly string[],
  edges: readonly ImportEdge[],
  rules: LayerRules = RULES,
): Violation[] {
  const rank = new Map<string, number>();
  rules.layers.forEach((names, r) => names.forEach((n) => rank.set(n, r)));
  const out: Violation[] = [];
  for (const unit of new Set(files.map(unitOf)))
    if (!rank.has(unit))
      out.push({
        rule: 'unknown-folder',
        message: `src/${unit} has no layer: add it to LAYERS in test/unit/architecture/layers.ts`,
      });

  const used = new Set<Allowed>();
  const kept: ImportEdge[] = [];
  for (const e of edges) {
    const allowance = rules.allowed.find((a) => matches(a, e));
    if (allowance) {
      used.add(allowance);
      continue;
    }
    kept.push(e);
    const [a, b] = [unitOf(e.from), unitOf(e.to)];
    const [ra, rb] = [rank.get(a), rank.get(b)];
    if (ra !== undefined && rb !== undefined && rb > ra)
      out.push({
        rule: 'upward',
        message: `${e.from} imports ${e.to}: ${a} (layer ${ra}) is below ${b} (layer ${rb})`,
      });
    if (b === 'lab' && !rules.labImporters.includes(a))
      out.push({
        rule: 'lab',
        message: `${e.from} imports ${e.to}: lab code is reached only from ${rules.labImporters.join(' and ')}`,
      });
  }
  for (const a of rules.allowed)
    if (!used.has(a))
      out.push({
        rule: 'stale-allowance',
        message: `allowed ${a.from} → ${a.to} matches no import any more: delete it`,
      });

  const folderNext = new Map<string, Set<string>>();
  const fileNext = new Map<string, string[]>();
  for (const e of kept) {
    const [a, b] = [unitOf(e.from), unitOf(e.to)];
    if (a !== b) folderNext.set(a, (folderNext.get(a) ?? new Set()).add(b));
    fileNext.set(e.from, [...(fileNext.get(e.from) ?? []), e.to]);
  }
  for (const scc of cycles(folderNext.keys(), (n) => folderNext.get(n) ?? []))
    out.push({ rule: 'folder-cycle', message: `folders import each other in a circle: ${scc.join(', ')}` });
  for (const scc of cycles(fileNext.keys(), (n) => fileNext.get(n) ?? []))
    out.push({ rule: 'file-cycle', message: `files import each other in a circle: ${scc.join(', ')}` });
  return out;
}
