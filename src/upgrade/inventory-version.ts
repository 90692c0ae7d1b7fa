// The inventory is the cluster's desired state (as with kubespray and k0sctl): `picocal upgrade` goes to
// its calico_version. `--to V` must name that version, or come with --write-inventory, which sets
// calico_version to V in the file after a successful upgrade: that one value on its line, keeping the
// quotes, comments and everything else of the file as they were.
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { parseYamlDocuments } from '../yaml/source-map.js';
import { CALICO_VERSION_FIELD } from '../provision/version-guard.js';

const bare = (v: string) => v.trim().replace(/^v/, '');

/** The version an upgrade goes to: the inventory's, or `--to` when it agrees (or may be written). */
export function upgradeTarget(inv: Inventory, to: string | undefined, writeInventory: boolean): string {
  const wanted = bare(inv.cluster.calico_version);
  if (to === undefined) return wanted;
  if (bare(to) === wanted || writeInventory) return bare(to);
  throw new UsageError(
    `--to ${bare(to)} is not the inventory's calico_version (${wanted} in ${inv.file})`,
    `the inventory is the cluster's desired state: set calico_version: "${bare(to)}" there and run picocal upgrade -i ${inv.file}, or add --write-inventory to have picocal set it after the upgrade succeeds`,
  );
}

/** Sets calico_version in the inventory file, changing nothing else in it. */
export function writeCalicoVersion(file: string, version: string): void {
  const text = readFileSync(file, 'utf8');
  const where = parseYamlDocuments(text, file)[0]?.locate(CALICO_VERSION_FIELD.split('.'));
  if (!where?.line) throw new UsageError(`cannot find ${CALICO_VERSION_FIELD} in ${file}`);
  const lines = text.split('\n');
  const i = where.line - 1;
  // The key and its scalar as written: quoted ('…' or "…") or plain up to a comment or the line's end.
  const m = /^(\s*calico_version\s*:\s*)("[^"]*"|'[^']*'|[^\s#]+)(.*)$/.exec(lines[i] ?? '');
  if (!m) throw new UsageError(`cannot read calico_version at ${file}:${where.line}`);
  const quote = m[2]!.startsWith("'") ? "'" : '"';
  lines[i] = `${m[1]}${quote}${bare(version)}${quote}${m[3]}`;
  writeFileSync(file, lines.join('\n'));
}
