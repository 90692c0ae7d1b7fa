// Which lab a `picocal lab ...` command means: the one --name names, else the lab whose inventory the
// inventory option (-i or PICOCAL_INVENTORY) points at, else the only lab there is. A name that matches no
// lab lists the labs that exist (exit 2), rather than suggesting to start another. LAB ONLY.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { LAB_PREFIX, labIdentity } from './lab-naming.js';
import { readLabState, labStatePath, type LabState } from './lab-state.js';

const LABS_ROOT = '/tmp';

/** Names of the labs whose lab.json exists, sorted. */
export function listLabs(): string[] {
  let entries: string[];
  try {
    entries = readdirSync(LABS_ROOT);
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.startsWith(`${LAB_PREFIX}-`))
    .map((e) => e.slice(LAB_PREFIX.length + 1))
    .filter((name) => {
      try {
        return existsSync(labStatePath(labIdentity(name).dir));
      } catch {
        return false; // not a valid lab name: not ours
      }
    })
    .sort();
}

function found(labs: string[]): string {
  return labs.length ? `labs here: ${labs.join(', ')}` : 'there is no lab here';
}

export interface FindLabOptions {
  name?: string | undefined;
  /** The inventory the user named (-i or PICOCAL_INVENTORY), if any. */
  inventory?: string | undefined;
  cwd?: string;
  /** The labs to choose from (default: listLabs()). */
  labs?: string[];
}

export function findLab(opts: FindLabOptions): LabState {
  const labs = opts.labs ?? listLabs();
  if (opts.name) {
    const state = readLabState(labIdentity(opts.name).dir);
    if (state) return state;
    throw new UsageError(
      `no lab named '${opts.name}' (${found(labs)})`,
      labs.length
        ? `use --name ${labs.length === 1 ? labs[0] : `with one of: ${labs.join(', ')}`}`
        : `start one with \`picocal lab up --name ${opts.name}\``,
    );
  }
  if (opts.inventory) {
    const inv = resolve(opts.cwd ?? process.cwd(), opts.inventory);
    for (const name of labs) {
      const state = readLabState(labIdentity(name).dir);
      if (state && resolve(state.inventory) === inv) return state;
    }
  }
  const only = labs.length === 1 ? readLabState(labIdentity(labs[0] ?? '').dir) : undefined;
  if (only) return only;
  throw new UsageError(
    labs.length ? `several labs exist (${labs.join(', ')}): which one?` : 'there is no lab here',
    labs.length ? `pass --name NAME, e.g. --name ${labs[0]}` : 'start one with `picocal lab up --name demo`',
  );
}
