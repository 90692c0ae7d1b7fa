// Parse YAML and remember where every value came from, so that errors about a field can name the
// file, line and column. Uses js-yaml's event stream (offsets into the source) alongside its loader.
import {
  EVENT_ID,
  getScalarValue,
  loadAll,
  parseEvents,
  YAMLException,
  type Event,
  type Schema,
} from 'js-yaml';
import { InputError, type SourceLocation } from '../errors.js';
import { checkAliasExpansion, checkYamlSize, YAML_LOAD_LIMITS } from './yaml-limits.js';

export type PathSegment = string | number;

export interface YamlDocument {
  value: unknown;
  /** Location of the document's first node. */
  location: SourceLocation;
  /** Location of a value (for mapping entries: of the value) by path key. */
  locate(path: readonly PathSegment[]): SourceLocation | undefined;
  /** Location of a mapping key by path key; falls back to the value. */
  locateKey(path: readonly PathSegment[]): SourceLocation | undefined;
}

export function pathKey(path: readonly PathSegment[]): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

/** Field paths as users read them: `all.children.workers.hosts[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  return pathKey(path).replace(/^\./, '');
}

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number, file: string): SourceLocation {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

interface Frame {
  kind: 'map' | 'seq';
  path: PathSegment[];
  index: number;
  expectKey: boolean;
  key: PathSegment;
  keyOffset: number;
}

function startOffset(e: Event): number {
  switch (e.type) {
    case EVENT_ID.SCALAR: {
      const starts = [e.anchorStart, e.tagStart, e.valueStart].filter((n) => n >= 0);
      return starts.length ? Math.min(...starts) : 0;
    }
    case EVENT_ID.SEQUENCE:
    case EVENT_ID.MAPPING:
      return e.start;
    case EVENT_ID.ALIAS:
      return Math.max(0, e.anchorStart - 1);
    default:
      return 0;
  }
}

export interface ParseOptions {
  /** YAML schema (default: js-yaml's core schema, no custom tags). */
  schema?: Schema;
  /** Which custom tags this kind of file accepts, for the message about an unknown tag. */
  tags?: string;
}

function syntaxHint(reason: string, opts: ParseOptions): string {
  if (/unknown (scalar |sequence |mapping )?tag/.test(reason)) {
    return opts.tags
      ? `this file accepts the standard YAML tags and ${opts.tags}; remove the tag or write the value out`
      : 'this file accepts only the standard YAML tags (Ansible tags such as !vault and !unsafe belong in inventories)';
  }
  if (/maxAliases/.test(reason)) {
    return 'picocal accepts at most 100 aliases (*name) per document: write the values out';
  }
  if (/maxDepth/.test(reason)) return 'nest collections at most 100 levels deep';
  return 'fix the YAML syntax at that position (indentation, quoting, a missing colon)';
}

/**
 * Parse every document in `text`. Throws InputError (exit 2) with file:line on a syntax error, and on
 * input beyond the limits in yaml-limits.ts (size, aliases, depth, expanded size, recursive aliases).
 */
export function parseYamlDocuments(text: string, file: string, opts: ParseOptions = {}): YamlDocument[] {
  checkYamlSize(text, file);
  const lines = new LineIndex(text);
  let values: unknown[];
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: YAML_LOAD_LIMITS.maxDepth });
    checkAliasExpansion(text, events, file, (off) => lines.at(off, file));
    values = loadAll(text, {
      filename: file,
      ...YAML_LOAD_LIMITS,
      ...(opts.schema ? { schema: opts.schema } : {}),
    });
  } catch (err) {
    if (err instanceof YAMLException) {
      const mark = err.mark;
      throw new InputError(
        `${file}: not valid YAML`,
        [
          {
            location: mark ? { file, line: mark.line + 1, column: mark.column + 1 } : undefined,
            message: err.reason,
            hint: syntaxHint(err.reason, opts),
          },
        ],
        { cause: err },
      );
    }
    if (err instanceof RangeError) {
      // Defence in depth: a stack or size limit of the engine is bad input too, never a crash.
      throw new InputError(`${file}: too deeply nested or too large to read`, [
        { location: { file, line: 1, column: 1 }, message: err.message, hint: 'simplify the file' },
      ]);
    }
    throw err;
  }
  const docs: YamlDocument[] = [];
  let values_i = 0;
  let stack: Frame[] = [];
  let valuePos = new Map<string, number>();
  let keyPos = new Map<string, number>();
  let docStart = -1;

  const finishDoc = () => {
    const vp = valuePos;
    const kp = keyPos;
    const start = docStart < 0 ? 0 : docStart;
    docs.push({
      value: values[values_i++],
      location: lines.at(start, file),
      locate: (p) => {
        const off = vp.get(pathKey(p));
        return off === undefined ? undefined : lines.at(off, file);
      },
      locateKey: (p) => {
        const off = kp.get(pathKey(p)) ?? vp.get(pathKey(p));
        return off === undefined ? undefined : lines.at(off, file);
      },
    });
  };

  /** Called when a node starts: returns its path, or undefined when the node is a mapping key. */
  const place = (e: Event): PathSegment[] | undefined => {
    const off = startOffset(e);
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (docStart < 0) docStart = off;
      valuePos.set('', off);
      return [];
    }
    if (parent.kind === 'seq') {
      const path = [...parent.path, parent.index++];
      valuePos.set(pathKey(path), off);
      return path;
    }
    if (parent.expectKey) {
      parent.expectKey = false;
      parent.key = e.type === EVENT_ID.SCALAR ? getScalarValue(text, e) : `?${off}`;
      parent.keyOffset = off;
      return undefined;
    }
    parent.expectKey = true;
    const path = [...parent.path, parent.key];
    valuePos.set(pathKey(path), off);
    keyPos.set(pathKey(path), parent.keyOffset);
    return path;
  };

  // Complex keys (a mapping used as a key) open collections while expecting a key: track them so the
  // pops stay balanced, under a synthetic path nobody looks up.
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        stack = [];
        valuePos = new Map();
        keyPos = new Map();
        docStart = -1;
        stack.push({ kind: 'seq', path: ['__doc__'], index: 0, expectKey: false, key: '', keyOffset: 0 });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const docFrame = stack.length === 1 && stack[0]?.path[0] === '__doc__';
        let path: PathSegment[] | undefined;
        if (docFrame) {
          const off = startOffset(e);
          docStart = off;
          valuePos.set('', off);
          path = [];
        } else {
          path = place(e);
        }
        stack.push({
          kind: e.type === EVENT_ID.MAPPING ? 'map' : 'seq',
          path: path ?? ['__complex_key__'],
          index: 0,
          expectKey: true,
          key: '',
          keyOffset: 0,
        });
        break;
      }
      case EVENT_ID.SCALAR:
      case EVENT_ID.ALIAS:
        if (stack.length === 1 && stack[0]?.path[0] === '__doc__') {
          docStart = startOffset(e);
          valuePos.set('', docStart);
        } else {
          place(e);
        }
        break;
      case EVENT_ID.POP: {
        const popped = stack.pop();
        if (popped && popped.path[0] === '__doc__') finishDoc();
        break;
      }
    }
  }
  return docs;
}
