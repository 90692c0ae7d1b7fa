// A policy test file: the traffic a team expects to be allowed or denied, written once and checked on
// every change. Either a YAML list of expectations, or a mapping that also names the cluster snapshot
// and policy folders (paths relative to the test file) under `cluster:`, `policies:` and `tests:`.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { InputError, type InputProblem, type SourceLocation } from '../../errors.js';
import { closest } from '../../schema/did-you-mean.js';
import { parseYamlDocuments, type PathSegment, type YamlDocument } from '../../yaml/source-map.js';
import { checkYamlFileSizeSync } from '../../yaml/yaml-limits.js';

export type Verdict = 'allow' | 'deny';

export interface Expectation {
  name: string;
  from: string;
  to: string;
  /** Namespace for bare pod names in from/to. */
  namespace: string;
  port: string | undefined;
  protocol: string | undefined;
  expect: Verdict;
  location: SourceLocation;
  /** Where each field's value is, for errors about one field (from, to, port, protocol). */
  fieldLocations: Record<string, SourceLocation>;
}

export interface TestFile {
  file: string;
  /** Paths relative to the caller's cwd. */
  cluster: string[];
  policies: string[];
  expectations: Expectation[];
}

const EXPECTATION_KEYS = ['name', 'from', 'to', 'namespace', 'port', 'protocol', 'expect'];
const FILE_KEYS = ['cluster', 'policies', 'tests'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  readonly problems: InputProblem[] = [];
  constructor(
    private readonly doc: YamlDocument,
    private readonly file: string,
  ) {}

  at(path: readonly PathSegment[]): SourceLocation {
    return this.doc.locate(path) ?? this.doc.location;
  }

  problem(path: readonly PathSegment[], message: string, hint?: string): void {
    this.problems.push({
      location: this.at(path),
      field: path
        .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
        .join('')
        .replace(/^\./, ''),
      message,
      ...(hint ? { hint } : {}),
    });
  }

  unknownKeys(value: Record<string, unknown>, known: readonly string[], path: PathSegment[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      this.problems.push({
        location: this.doc.locateKey([...path, key]) ?? this.at(path),
        field: [...path, key].join('.'),
        message: `unknown key '${key}'`,
        hint: guess ? `did you mean '${guess}'?` : `known keys: ${known.join(', ')}`,
      });
    }
  }

  /** A string, or a number where one is natural (ports); undefined when absent. */
  text(
    value: Record<string, unknown>,
    key: string,
    path: PathSegment[],
    numberOk = false,
  ): string | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (numberOk && typeof v === 'number') return String(v);
    this.problem([...path, key], `${key} must be ${numberOk ? 'a number or ' : ''}a non-empty string`);
    return undefined;
  }

  paths(value: unknown, key: string): string[] {
    if (value === undefined) return [];
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((p): p is string => typeof p === 'string' && p !== '')) {
      this.problem([key], `${key} must be a path or a list of paths (relative to ${this.file})`);
      return [];
    }
    return list;
  }
}

function expectation(r: Reader, item: unknown, path: PathSegment[]): Expectation | undefined {
  if (!isRecord(item)) {
    r.problem(
      path,
      'an expectation is a mapping with from, to and expect',
      'e.g. {from: web, to: api, port: 8080, expect: allow}',
    );
    return undefined;
  }
  r.unknownKeys(item, EXPECTATION_KEYS, path);
  const from = r.text(item, 'from', path);
  const to = r.text(item, 'to', path);
  const port = r.text(item, 'port', path, true);
  const protocol = r.text(item, 'protocol', path);
  const namespace = r.text(item, 'namespace', path) ?? 'default';
  const name = r.text(item, 'name', path);
  const expect = item['expect'];
  for (const [key, v] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (v === undefined && item[key] === undefined)
      r.problem(path, `missing '${key}'`, 'a pod name, namespace/pod, or an IP address outside the cluster');
  if (expect !== 'allow' && expect !== 'deny') {
    r.problem(
      expect === undefined ? path : [...path, 'expect'],
      expect === undefined ? "missing 'expect'" : `expect must be allow or deny, not '${String(expect)}'`,
    );
    return undefined;
  }
  if (from === undefined || to === undefined) return undefined;
  const what = `${protocol ?? 'TCP'}${port !== undefined ? `/${port}` : ''}`;
  return {
    name: name ?? `${from} → ${to} ${what} ${expect}`,
    from,
    to,
    namespace,
    port,
    protocol,
    expect,
    location: r.at(path),
    fieldLocations: Object.fromEntries(Object.keys(item).map((k) => [k, r.at([...path, k])])),
  };
}

/** Parse a test file's text; `file` is the path as the user gave it (relative to cwd). */
export function parseTestFile(text: string, file: string, cwd: string): TestFile {
  const docs = parseYamlDocuments(text, file).filter((d) => d.value !== null && d.value !== undefined);
  const first = docs[0];
  if (!first || docs.length > 1)
    throw new InputError(`${file}: expected one YAML document`, [
      {
        location: docs[1]?.location ?? { file, line: 1, column: 1 },
        message: first ? 'more than one document' : 'the file is empty',
        hint: 'write a list of expectations, or a mapping with cluster, policies and tests',
      },
    ]);
  const r = new Reader(first, file);
  const top = first.value;
  let items: unknown;
  let base: PathSegment[] = [];
  const folder = dirname(resolve(cwd, file));
  const rel = (p: string) => relative(cwd, resolve(folder, p)) || '.';
  let cluster: string[] = [];
  let policies: string[] = [];
  if (Array.isArray(top)) items = top;
  else if (isRecord(top)) {
    r.unknownKeys(top, FILE_KEYS, []);
    cluster = r.paths(top['cluster'], 'cluster').map(rel);
    policies = r.paths(top['policies'], 'policies').map(rel);
    items = top['tests'];
    base = ['tests'];
    if (!Array.isArray(items)) r.problem(['tests'], "'tests' must be a list of expectations");
  } else r.problem([], 'expected a list of expectations, or a mapping with cluster, policies and tests');
  const expectations = Array.isArray(items)
    ? items.flatMap((item, i) => expectation(r, item, [...base, i]) ?? [])
    : [];
  if (!r.problems.length && !expectations.length)
    r.problem(base, 'no expectations', 'add at least one {from, to, expect} entry');
  if (r.problems.length) throw new InputError(`${file}: bad policy test file`, r.problems);
  return { file, cluster, policies, expectations };
}

export function readTestFile(file: string, cwd: string): TestFile {
  let text: string;
  try {
    checkYamlFileSizeSync(resolve(cwd, file), file);
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read ${file}`, [{ message: (err as Error).message }]);
  }
  return parseTestFile(text, file, cwd);
}
