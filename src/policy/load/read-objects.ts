// Read policy and cluster files: single files or folders (recursively *.yaml, *.yml, *.json), every
// YAML document, and the items of a `kind: List`. Each object keeps its file:line and can locate any
// of its fields, so errors and explanations point at the exact line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InputError, type InputProblem, type SourceLocation } from '../../errors.js';
import { parseYamlDocuments, type PathSegment, type YamlDocument } from '../../yaml/source-map.js';
import { checkYamlFileSizeSync } from '../../yaml/yaml-limits.js';

export interface LoadedObject {
  apiVersion: string;
  kind: string;
  value: Record<string, unknown>;
  location: SourceLocation;
  /** Location of a field of this object (its value), falling back to the object itself. */
  at(path: readonly PathSegment[]): SourceLocation;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && EXTENSIONS.test(entry.name)) out.push(full);
  }
}

/** Files named directly are read whatever their extension; folders contribute their YAML/JSON files. */
export function collectFiles(paths: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  const problems: InputProblem[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    let st;
    try {
      st = statSync(full);
    } catch {
      problems.push({
        message: `${p}: no such file or folder`,
        hint: 'check the path given to --policies / --cluster',
      });
      continue;
    }
    if (st.isDirectory()) walk(full, files);
    else files.push(full);
  }
  if (problems.length) throw new InputError('cannot read the policy input', problems);
  return files.map((f) => relative(cwd, f) || f);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectsOf(doc: YamlDocument, file: string, problems: InputProblem[]): LoadedObject[] {
  const make = (value: unknown, base: PathSegment[]): LoadedObject | undefined => {
    const at = (path: readonly PathSegment[]): SourceLocation =>
      doc.locate([...base, ...path]) ?? doc.locate(base) ?? doc.location;
    if (!isRecord(value)) {
      problems.push({
        location: at([]),
        message: 'expected a Kubernetes object (a mapping with apiVersion and kind)',
      });
      return undefined;
    }
    const { apiVersion, kind } = value;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      problems.push({
        location: at([]),
        message: 'object has no apiVersion or kind',
        hint: 'every document needs `apiVersion:` and `kind:`, as kubectl prints them',
      });
      return undefined;
    }
    return { apiVersion, kind, value, location: at([]), at };
  };
  if (doc.value === null || doc.value === undefined) return [];
  const top = make(doc.value, []);
  if (!top) return [];
  if (top.kind === 'List' || (top.kind.endsWith('List') && Array.isArray(top.value['items']))) {
    const items = top.value['items'];
    if (!Array.isArray(items)) {
      problems.push({ location: top.location, field: 'items', message: 'a List needs an `items:` sequence' });
      return [];
    }
    return items.flatMap((item, i) => {
      const o = make(item, ['items', i]);
      return o ? [o] : [];
    });
  }
  return [top];
}

/** Every object in the given files; throws one InputError naming every unreadable document. */
export function readObjects(files: readonly string[], cwd: string): LoadedObject[] {
  const out: LoadedObject[] = [];
  const problems: InputProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      checkYamlFileSizeSync(resolve(cwd, file), file);
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (err) {
      if (err instanceof InputError) {
        problems.push(...err.problems);
        continue;
      }
      problems.push({ message: `${file}: cannot read: ${(err as Error).message}` });
      continue;
    }
    try {
      for (const doc of parseYamlDocuments(text, file)) out.push(...objectsOf(doc, file, problems));
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new InputError('the policy input has errors', problems);
  return out;
}

/** Objects from YAML text (tests, stdin). */
export function objectsFromText(text: string, file: string): LoadedObject[] {
  const problems: InputProblem[] = [];
  const out = parseYamlDocuments(text, file).flatMap((d) => objectsOf(d, file, problems));
  if (problems.length) throw new InputError('the policy input has errors', problems);
  return out;
}
