// Every entry under a folder with its content (files) or target (links): what a refused or foreign-safe
// write must leave exactly as it was.
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const key = rel + name;
      if (st.isSymbolicLink()) out[key] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${key}/`] = '';
        walk(p, `${key}/`);
      } else out[key] = readFileSync(p, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
