// Calico's label-selector language (projectcalico.org/v3 `selector`, `namespaceSelector`,
// `serviceAccountSelector`, rule `selector`/`notSelector`): parse once, evaluate many times.
import { type Labels, type SelectorNode } from './ast.js';
import { parseToAst } from './parser.js';

export { SelectorParseError } from './errors.js';
export { walk, type Labels, type SelectorNode } from './ast.js';
export { isValidLabelKey, MAX_LABEL_LENGTH } from './tokenizer.js';

export interface SelectorContext {
  /** True for global (non-namespaced) entities: host endpoints, GlobalNetworkSets. */
  global?: boolean;
}

export interface Selector {
  matches(labels: Readonly<Record<string, string>>, ctx?: SelectorContext): boolean;
  /** Canonical form, as Calico prints it; parse(toString()) round-trips. */
  toString(): string;
  /** Original text. */
  readonly source: string;
  /** Parsed form, for lint rules that inspect a selector's structure. */
  readonly root: SelectorNode;
}

class ParsedSelector implements Selector {
  private readonly canonical: string;

  constructor(
    readonly source: string,
    readonly root: SelectorNode,
  ) {
    this.canonical = root.toString();
  }

  matches(labels: Labels, ctx?: SelectorContext): boolean {
    return this.root.evaluate(labels, ctx?.global === true);
  }

  toString(): string {
    return this.canonical;
  }
}

/** Parses a selector; the empty (or all-blank) selector matches everything, like all(). */
export function parseSelector(text: string): Selector {
  return new ParsedSelector(text, parseToAst(text));
}

export const ALL: Selector = parseSelector('all()');

// Policies repeat the same few selectors across many rules; a bounded map keeps memory flat when a
// long-running process (the reachability matrix, watch mode) sees an endless stream of them.
const CACHE_LIMIT = 4096;
const cache = new Map<string, Selector>();

/** Like parseSelector, but returns the same Selector for the same text. Parse errors are not cached. */
export function parseSelectorCached(text: string): Selector {
  const hit = cache.get(text);
  if (hit) {
    // Re-insert so the map's insertion order doubles as least-recently-used order.
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const parsed = parseSelector(text);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(text, parsed);
  return parsed;
}
