// Parse YAML and remember where every value came from, so that errors about a field can name the
// file, line and column. Uses js-yaml's event stream (offsets into the source), parsed once, for both.
import {
  CORE_SCHEMA,
  EVENT_ID,
  constructFromEvents,
  getScalarValue,
  parseEvents,
  YAMLException,
  type Event,
  type ScalarEvent,
  type Schema,
} from 'js-yaml';
import { InputError, type SourceLocation } from '../errors.js';
import { parseBlockYaml, type NodeTable } from './block-yaml.js';
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
  // Plain block YAML (what policy and cluster files are) is read by the fast reader, which gives the same
  // values and positions; anything else goes through js-yaml and every limit of yaml-limits.ts.
  const fast = parseBlockYaml(text, opts.schema ?? CORE_SCHEMA);
  if (fast) return documentsOf(file, fast.table, fast.values, lines);
  return parseWithJsYaml(text, file, opts, lines);
}

/** js-yaml only: the general reader (exported for the differential test of the fast reader). */
export function parseWithJsYaml(
  text: string,
  file: string,
  opts: ParseOptions = {},
  lines = new LineIndex(text),
): YamlDocument[] {
  checkYamlSize(text, file);
  let values: unknown[];
  let events: Event[];
  try {
    // One parse: the events give the positions and the values are built from the same events (what
    // loadAll does inside, with the options it would split the same way).
    events = parseEvents(text, { filename: file, maxDepth: YAML_LOAD_LIMITS.maxDepth });
    checkAliasExpansion(text, events, file, (off) => lines.at(off, file));
    values = constructFromEvents(events, {
      filename: file,
      maxAliases: YAML_LOAD_LIMITS.maxAliases,
      ...(opts.schema ? { schema: opts.schema } : {}),
      source: text,
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
  return documentsOf(file, eventTable(text, events), values, lines);
}

const NONE = -1;

/**
 * Where each value and key of the documents is, found on demand from the event stream: one pass
 * records where every collection ends, and a lookup walks down the path skipping whole subtrees. No
 * per-node map or path string is built, so reading a large policy set pays only for the fields an
 * error or an explanation names. Answers as a full map of every path would: a later duplicate key
 * wins, complex keys (a mapping as a key) and aliases are not descended into.
 */
/** The node table of js-yaml's events. */
function eventTable(text: string, events: readonly Event[]): NodeTable {
  // The events in typed arrays (a tenth of their memory as objects, which a large policy set keeps
  // for as long as its objects live): type, start offset, and for a mapping or sequence the index of
  // its POP (end[i] = i otherwise). Scalars keep what getScalarValue reads, to compare mapping keys.
  const n = events.length;
  const type = new Uint8Array(n);
  const offset = new Int32Array(n);
  const end = new Int32Array(n);
  const scalar = new Int32Array(n * 5);
  const fast = new Uint8Array(n);
  const open: number[] = [];
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i] as Event;
    type[i] = e.type;
    offset[i] = startOffset(e);
    end[i] = i;
    if (e.type === EVENT_ID.DOCUMENT) roots.push(i + 1 < n ? i + 1 : NONE);
    else if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) open.push(i);
    else if (e.type === EVENT_ID.POP) {
      const o = open.pop();
      if (o !== undefined) end[o] = i;
    } else if (e.type === EVENT_ID.SCALAR) {
      const at = i * 5;
      scalar[at] = e.valueStart;
      scalar[at + 1] = e.valueEnd;
      scalar[at + 2] = e.style;
      scalar[at + 3] = e.chomping;
      scalar[at + 4] = e.indent;
      fast[i] = e.fast ? 1 : 0;
    }
  }
  const keyText = (i: number): string =>
    getScalarValue(text, {
      type: EVENT_ID.SCALAR,
      valueStart: scalar[i * 5]!,
      valueEnd: scalar[i * 5 + 1]!,
      style: scalar[i * 5 + 2] as ScalarEvent['style'],
      chomping: scalar[i * 5 + 3] as ScalarEvent['chomping'],
      indent: scalar[i * 5 + 4]!,
      fast: fast[i] === 1,
      anchorStart: -1,
      anchorEnd: -1,
      tagStart: -1,
      tagEnd: -1,
    });
  return { type, offset, end, roots, keyText };
}

function documentsOf(
  file: string,
  table: NodeTable,
  values: readonly unknown[],
  lines: LineIndex,
): YamlDocument[] {
  const { type, offset, end, roots, keyText } = table;
  const isNode = (i: number) => {
    const t = type[i];
    return t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE || t === EVENT_ID.SCALAR || t === EVENT_ID.ALIAS;
  };
  // Children of a sequence, indexed once on first use, so item N of a long List is one step away.
  const seqChildren = new Map<number, Int32Array>();
  const childrenOf = (seq: number): Int32Array => {
    let kids = seqChildren.get(seq);
    if (kids) return kids;
    const list: number[] = [];
    for (let c = seq + 1; c < end[seq]!; c = end[c]! + 1) list.push(c);
    kids = Int32Array.from(list);
    seqChildren.set(seq, kids);
    return kids;
  };
  /** Event index of the node at `path` below `root`, and of its key when it is a mapping value. */
  const find = (root: number, path: readonly PathSegment[]): { node: number; key: number } | undefined => {
    let node = root;
    let key = NONE;
    for (const seg of path) {
      if (type[node] === EVENT_ID.SEQUENCE && typeof seg === 'number') {
        const kids = childrenOf(node);
        if (!Number.isInteger(seg) || seg < 0 || seg >= kids.length) return undefined;
        node = kids[seg]!;
        key = NONE;
      } else if (type[node] === EVENT_ID.MAPPING && typeof seg === 'string') {
        const map = node;
        let found = NONE;
        for (let k = map + 1; k < end[map]!;) {
          const v = end[k]! + 1;
          if (type[k] === EVENT_ID.SCALAR && keyText(k) === seg) {
            found = v;
            key = k;
          }
          k = end[v]! + 1;
        }
        if (found === NONE) return undefined;
        node = found;
      } else return undefined;
    }
    return { node, key };
  };
  return values.map((value, d) => {
    const root = roots[d] ?? NONE;
    const rooted = root !== NONE && isNode(root);
    const location = lines.at(rooted ? offset[root]! : 0, file);
    const at = (i: number) => lines.at(offset[i]!, file);
    return {
      value,
      location,
      locate: (p) => {
        if (!rooted) return undefined;
        const f = find(root, p);
        return f ? at(f.node) : undefined;
      },
      locateKey: (p) => {
        if (!rooted) return undefined;
        const f = find(root, p);
        return f ? at(f.key === NONE ? f.node : f.key) : undefined;
      },
    };
  });
}
