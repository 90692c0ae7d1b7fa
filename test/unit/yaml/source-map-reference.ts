// Test reference: the source map as picocal built it before it became lazy: every value
// and key of every document placed in a map by path, eagerly. The differential test holds the lazy
// lookups of src/yaml/source-map.ts to exactly these answers.
import { EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';
import { pathKey, type PathSegment } from '../../../src/yaml/source-map.js';

export interface ReferenceDocument {
  /** Offset of the document's first node. */
  start: number;
  /** Offset of each value by pathKey. */
  values: Map<string, number>;
  /** Offset of each mapping key by pathKey of its value. */
  keys: Map<string, number>;
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

export function referencePositions(text: string): ReferenceDocument[] {
  const events = parseEvents(text, { maxDepth: 100 });
  const docs: ReferenceDocument[] = [];
  let stack: Frame[] = [];
  let valuePos = new Map<string, number>();
  let keyPos = new Map<string, number>();
  let docStart = -1;

  const finishDoc = () => {
    const vp = valuePos;
    const kp = keyPos;
    const start = docStart < 0 ? 0 : docStart;
    docs.push({ start, values: vp, keys: kp });
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
