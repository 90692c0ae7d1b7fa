// The import graph of src/: every relative import, export-from, `import type` and `import()` of every
// TypeScript file, resolved to the file it names. Read with TypeScript's own pre-processor
// (ts.preProcessFile), so comments and strings that merely look like imports are not counted.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Repository-relative, `/`-separated: `src/cli/main.ts`. */
  from: string;
  to: string;
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) tsFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The specifiers a file imports, as written. */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** Edges between files under `root/src` (imports of packages and node: are left out). */
export function importGraph(root: string): { files: string[]; edges: ImportEdge[] } {
  const files = tsFiles(join(root, 'src')).map((f) => relative(root, f).split('\\').join('/'));
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const spec of importSpecifiers(readFileSync(join(root, from), 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
      if (known.has(target)) edges.push({ from, to: target });
    }
  }
  return { files, edges };
}
