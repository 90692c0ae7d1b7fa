// Convert a set of policy files between enforced and staged kinds. All files are read and converted
// in memory first, so a staged `Delete` (or a staged `Set` that replaces an enforced policy) can
// remove the enforced policy from whichever file holds it; then changed files are written, each
// atomically.
import { lstatSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { expandPaths, readSources, type SourceFile } from '../lint/sources.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { convertObject, type Direction } from './convert-object.js';
import type { KindRef } from './kinds.js';
import { pairFor } from './kinds.js';
import { rewriteYamlDocuments } from './yaml-chunks.js';

type Json = Record<string, unknown>;

export interface Change {
  file: string;
  line: number;
  name: string;
  namespace: string | undefined;
  from: KindRef;
  to?: KindRef;
  action: 'converted' | 'removed' | 'skipped';
  note?: string;
}

export interface ConversionResult {
  changes: Change[];
  /** Files written (absolute paths). */
  written: string[];
  /** Every input file (as the user named it) with its converted text, changed or not. */
  outputs: Array<{ file: string; text: string }>;
}

interface DocState {
  value: unknown;
  changed: boolean;
  removed: boolean;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function meta(v: Json): { name: string; namespace: string | undefined } {
  const m = isObject(v['metadata']) ? v['metadata'] : {};
  return {
    name: typeof m['name'] === 'string' ? m['name'] : '',
    namespace: typeof m['namespace'] === 'string' ? m['namespace'] : undefined,
  };
}

/** Identity of an enforced policy: its kind pair, namespace and name. */
function identity(v: Json, side: 'enforced' | 'staged'): string | undefined {
  const pair = pairFor(v['apiVersion'], v['kind'], side);
  if (!pair) return undefined;
  const { name, namespace } = meta(v);
  const global = pair.enforced.kind === 'GlobalNetworkPolicy';
  return `${pair.enforced.apiVersion}|${pair.enforced.kind}|${global ? '' : (namespace ?? 'default')}|${name}`;
}

export interface ConvertOptions {
  direction: Direction;
  paths: readonly string[];
  cwd: string;
  /** Write converted files under this folder instead of in place. */
  outDir?: string;
  /** Replace files under outDir that differ from what would be written (else: refused, nothing written). */
  force?: boolean;
  /** false: write nothing, only return every file's converted text (`outputs`). */
  write?: boolean;
}

function outputPaths(paths: readonly string[], cwd: string, outDir: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of paths) {
    const root = resolve(cwd, p);
    for (const f of expandPaths([p], cwd).files) {
      const rel = f === root ? basename(f) : relative(root, f);
      if (!map.has(f)) map.set(f, join(resolve(cwd, outDir), rel));
    }
  }
  return map;
}

/**
 * Under --out, a file that is already there is the user's: it is replaced only when it is one of the
 * inputs (converting in place), already holds exactly what would be written, or with --force.
 */
function refuseForeignTargets(plan: readonly { target: string; text: string }[], inputs: Set<string>): void {
  const foreign = plan.filter(({ target, text }) => {
    if (inputs.has(target)) return false;
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (!st) return false;
    return !st.isFile() || readFileSync(target, 'utf8') !== text;
  });
  if (foreign.length)
    throw new UsageError(
      `refusing to overwrite ${foreign.map((f) => f.target).join(', ')}: nothing was written`,
      'pass --force to replace those files, or --out with a new folder',
    );
}

export function convertFiles(opts: ConvertOptions): ConversionResult {
  const sources = readSources(opts.paths, opts.cwd);
  const states = sources.map((s) =>
    s.documents.map((d): DocState => ({ value: d.value, changed: false, removed: false })),
  );
  const changes: Change[] = [];
  const removeIdentities = new Map<string, string>(); // identity → why
  const producedIdentities = new Set<string>();
  const existingStaged = new Set<string>();
  if (opts.direction === 'stage') {
    for (const s of sources)
      for (const d of s.documents)
        if (isObject(d.value)) {
          const id = identity(d.value, 'staged');
          if (id) existingStaged.add(id);
        }
  }

  /** Converts one object; returns the replacement, or null to drop it, or undefined for no change. */
  const convertOne = (v: unknown, source: SourceFile, line: number): Json | null | undefined => {
    const outcome = convertObject(v, opts.direction);
    if (outcome.kind === 'unchanged' || !isObject(v)) return undefined;
    const { name, namespace } = meta(v);
    const base = { file: source.file, line, name, namespace, from: outcome.from };
    if (outcome.kind === 'skipped') {
      changes.push({ ...base, action: 'skipped', note: outcome.reason });
      return undefined;
    }
    const id = identity(v, opts.direction === 'stage' ? 'enforced' : 'staged');
    if (outcome.kind === 'delete') {
      if (id)
        removeIdentities.set(
          id,
          `staged Delete of ${outcome.target.kind} ${namespace ? `${namespace}/` : ''}${name}`,
        );
      changes.push({
        ...base,
        action: 'removed',
        note: `stagedAction Delete: the enforced ${outcome.target.kind} ${name} is removed; also delete it from the cluster`,
      });
      return null;
    }
    if (opts.direction === 'stage' && id && existingStaged.has(id)) {
      changes.push({
        ...base,
        action: 'skipped',
        note: 'a staged version of this policy already exists in these files',
      });
      return undefined;
    }
    if (id) producedIdentities.add(id);
    changes.push({ ...base, action: 'converted', to: outcome.to });
    return outcome.value;
  };

  sources.forEach((source, si) => {
    source.documents.forEach((doc, di) => {
      const state = states[si]?.[di];
      if (!state || !isObject(doc.value)) return;
      const top = doc.value;
      if (top['kind'] === 'List' && Array.isArray(top['items'])) {
        const items: unknown[] = [];
        let changed = false;
        top['items'].forEach((item, ii) => {
          const r = convertOne(item, source, doc.locate(['items', ii])?.line ?? doc.location.line);
          if (r === undefined) items.push(item);
          else {
            changed = true;
            if (r !== null) items.push(r);
          }
        });
        if (changed) Object.assign(state, { value: { ...top, items }, changed: true });
        return;
      }
      const r = convertOne(top, source, doc.location.line);
      if (r === null) state.removed = true;
      else if (r !== undefined) Object.assign(state, { value: r, changed: true });
    });
  });

  if (opts.direction === 'enforce') {
    // Enforcing replaces the enforced policy of the same name (Set) or removes it (Delete).
    sources.forEach((source, si) => {
      source.documents.forEach((doc, di) => {
        const state = states[si]?.[di];
        if (!state || state.changed || state.removed || !isObject(doc.value)) return;
        const id = identity(doc.value, 'enforced');
        if (!id || (!removeIdentities.has(id) && !producedIdentities.has(id))) return;
        state.removed = true;
        const { name, namespace } = meta(doc.value);
        changes.push({
          file: source.file,
          line: doc.location.line,
          name,
          namespace,
          from: { apiVersion: String(doc.value['apiVersion']), kind: String(doc.value['kind']) },
          action: 'removed',
          note: removeIdentities.get(id) ?? 'replaced by the staged policy of the same name',
        });
      });
    });
  }

  const targets = opts.outDir ? outputPaths(opts.paths, opts.cwd, opts.outDir) : undefined;
  const plan: { target: string; text: string }[] = [];
  const outputs: ConversionResult['outputs'] = [];
  sources.forEach((source, si) => {
    const docs = states[si] ?? [];
    const changed = docs.some((d) => d.changed || d.removed);
    const target = targets
      ? (targets.get(source.path) ?? join(resolve(opts.cwd, opts.outDir ?? '.'), basename(source.path)))
      : source.path;
    const text = changed ? rewriteYamlDocuments(source.text, docs) : source.text;
    outputs.push({ file: source.file, text });
    if (opts.write === false || (!changed && !targets)) return;
    plan.push({ target, text });
  });
  if (targets && !opts.force) refuseForeignTargets(plan, new Set(sources.map((s) => s.path)));
  const written: string[] = [];
  for (const { target, text } of plan) {
    writeFileAtomic(target, text);
    written.push(target);
  }
  changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { changes, written, outputs };
}
