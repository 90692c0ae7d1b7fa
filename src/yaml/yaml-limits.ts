// Bounds on the work one YAML file can ask of picocal, in one place for every YAML it reads (inventories,
// policies, policy tests, Calico manifests). YAML aliases are references: a few hundred bytes of
// `&a`/`*a` can stand for billions of nodes ("billion laughs"), and an alias inside its own anchor is a
// cycle. Walkers and `dump(…, { noRefs: true })` follow every reference, so the expanded size is what
// counts. These checks run on the event stream before any value is built.
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EVENT_ID, type Event } from 'js-yaml';
import { InputError, type SourceLocation } from '../errors.js';

export const YAML_LIMITS = {
  /**
   * Largest YAML file picocal reads, in bytes. An inventory of 20 000 boards is under 1 MiB and a policy
   * file of thousands of rules a few hundred KiB.
   */
  maxBytes: 8 * 1024 * 1024,
  /** Alias nodes (`*ref`) per document (js-yaml `maxAliases`). */
  maxAliases: 100,
  /** Nesting of collections (js-yaml `maxDepth`, its default stated here). */
  maxDepth: 100,
  /** Nodes in one document once every alias is followed. */
  maxExpandedNodes: 1_000_000,
} as const;

/** The js-yaml options that carry the limits (for loadAll/load/parseEvents). */
export const YAML_LOAD_LIMITS = {
  maxAliases: YAML_LIMITS.maxAliases,
  maxDepth: YAML_LIMITS.maxDepth,
} as const;

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 0)} MiB`;
}

function tooBig(file: string, size: number): InputError {
  return new InputError(`${file}: too large for a YAML file picocal reads`, [
    {
      location: { file, line: 1, column: 1 },
      message: `the file is ${mib(size)}; picocal reads YAML files up to ${mib(YAML_LIMITS.maxBytes)}`,
      hint: 'check that this is the file you meant; split a large policy set into several files',
    },
  ]);
}

/** Refuse text longer than the cap (text that did not come from a file: stdin, tests). */
export function checkYamlSize(text: string, file: string): void {
  // UTF-16 length is at most the UTF-8 byte length, so this never refuses what readYamlFile accepts.
  if (text.length > YAML_LIMITS.maxBytes) throw tooBig(file, text.length);
}

/** Size check before reading, so a huge file is refused without being read into memory. */
export async function checkYamlFileSize(path: string, file: string): Promise<void> {
  const s = await stat(path);
  if (s.isFile() && s.size > YAML_LIMITS.maxBytes) throw tooBig(file, s.size);
}

export function checkYamlFileSizeSync(path: string, file: string): void {
  const s = statSync(path);
  if (s.isFile() && s.size > YAML_LIMITS.maxBytes) throw tooBig(file, s.size);
}

interface Open {
  anchor: string | undefined;
  nodes: number;
}

/**
 * Walk the events once: count each document's nodes with every alias expanded, and refuse an alias used
 * inside its own anchor (a cycle) or a document that expands past the limit. `at` turns an offset into a
 * location. Linear in the number of events.
 */
export function checkAliasExpansion(
  text: string,
  events: readonly Event[],
  file: string,
  at: (offset: number) => SourceLocation,
): void {
  // Without aliases every node is one event: nothing to expand, nothing that can refer to itself.
  if (events.length <= YAML_LIMITS.maxExpandedNodes && !events.some((e) => e.type === EVENT_ID.ALIAS)) return;
  const sizes = new Map<string, number>();
  let stack: Open[] = [];
  let total = 0;
  const anchorOf = (e: { anchorStart: number; anchorEnd: number }) =>
    e.anchorStart >= 0 ? text.slice(e.anchorStart, e.anchorEnd) : undefined;
  const add = (n: number, offset: number) => {
    const top = stack[stack.length - 1];
    if (top) top.nodes += n;
    total += n;
    if (total > YAML_LIMITS.maxExpandedNodes) {
      throw new InputError(`${file}: YAML aliases expand too far`, [
        {
          location: at(offset),
          message: `with its aliases (*name) followed, this document has more than ${YAML_LIMITS.maxExpandedNodes.toLocaleString('en')} nodes (an "alias bomb")`,
          hint: 'write the values out instead of nesting aliases of aliases',
        },
      ]);
    }
  };
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        sizes.clear();
        stack = [];
        total = 0;
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        add(1, e.start);
        stack.push({ anchor: anchorOf(e), nodes: 0 });
        break;
      case EVENT_ID.SCALAR: {
        add(1, Math.max(0, e.valueStart));
        const a = anchorOf(e);
        if (a !== undefined) sizes.set(a, 1);
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(e.anchorStart, e.anchorEnd);
        if (stack.some((o) => o.anchor === name)) {
          throw new InputError(`${file}: a recursive YAML alias`, [
            {
              location: at(Math.max(0, e.anchorStart - 1)),
              message: `alias *${name} is used inside its own anchor &${name}, so the value would contain itself`,
              hint: 'an anchor can only be used after its value ends; write the value out',
            },
          ]);
        }
        // An unknown alias is left to the loader, which reports it with its own message.
        add(sizes.get(name) ?? 1, Math.max(0, e.anchorStart - 1));
        break;
      }
      case EVENT_ID.POP: {
        const done = stack.pop();
        if (!done) break;
        const parent = stack[stack.length - 1];
        if (parent) parent.nodes += done.nodes;
        if (done.anchor !== undefined) sizes.set(done.anchor, done.nodes + 1);
        break;
      }
    }
  }
}
