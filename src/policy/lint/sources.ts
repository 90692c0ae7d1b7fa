// Read the files and folders a user names into YAML documents, keeping each file's text so findings
// can point into it. A file that cannot be read or parsed is bad input (exit 2), reported together
// with every other such file rather than one at a time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, type InputProblem } from '../../errors.js';
import { parseYamlDocuments, type YamlDocument } from '../../yaml/source-map.js';
import { checkYamlFileSizeSync } from '../../yaml/yaml-limits.js';

export interface SourceFile {
  /** As shown to the user: relative to the working directory when inside it. */
  file: string;
  /** Absolute path on disk. */
  path: string;
  text: string;
  documents: YamlDocument[];
}

const YAML_FILE = /\.ya?ml$/i;

/** The YAML files under `dir`, sorted, skipping hidden folders and node_modules. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : abs;
}

/** Every YAML file named or found under a named folder, each once, in a stable order. */
export function expandPaths(
  paths: readonly string[],
  cwd: string,
): { files: string[]; problems: InputProblem[] } {
  const files: string[] = [];
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let found: string[];
    try {
      found = statSync(abs).isDirectory() ? walk(abs) : [abs];
    } catch (err) {
      problems.push({
        message: `cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        hint: 'name an existing policy file or a folder of .yaml files',
      });
      continue;
    }
    if (found.length === 0) {
      problems.push({
        message: `${p}: no .yaml or .yml files in this folder`,
        hint: 'name a folder that holds policies',
      });
    }
    for (const f of found) {
      if (!seen.has(f)) {
        seen.add(f);
        files.push(f);
      }
    }
  }
  return { files, problems };
}

export function readSources(paths: readonly string[], cwd: string): SourceFile[] {
  const { files, problems } = expandPaths(paths, cwd);
  const sources: SourceFile[] = [];
  for (const path of files) {
    const file = displayPath(path, cwd);
    let text: string;
    try {
      checkYamlFileSizeSync(path, file);
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (err instanceof InputError) {
        problems.push(...err.problems);
        continue;
      }
      problems.push({
        message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
      continue;
    }
    try {
      sources.push({ file, path, text, documents: parseYamlDocuments(text, file) });
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      problems.length === 1
        ? 'cannot read the policy input'
        : `cannot read the policy input (${problems.length} problems)`,
      problems,
    );
  }
  return sources;
}
