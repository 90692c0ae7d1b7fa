// Add or remove the Log rules in policy files on disk. Only documents that change are rewritten; every
// other byte of a file (other documents, comments between them) stays as it was.
import { writeFileAtomic } from '../../core/atomic-write.js';
import { rewriteYamlDocuments } from '../convert/yaml-chunks.js';
import { readSources, type SourceFile } from '../lint/sources.js';
import { addLogRules, removeLogRules, type LogRuleChange } from './log-rules.js';

type Json = Record<string, unknown>;

export interface FileChange extends LogRuleChange {
  file: string;
  line: number;
}

export interface LogRulesResult {
  changes: FileChange[];
  notes: string[];
  /** Files rewritten (as shown to the user); empty on a dry run. */
  written: string[];
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function render(source: SourceFile, values: (unknown | undefined)[]): string {
  return rewriteYamlDocuments(
    source.text,
    source.documents.map((d, i) => ({ value: values[i] ?? d.value, changed: values[i] !== undefined })),
  );
}

export function updateLogRules(
  paths: readonly string[],
  cwd: string,
  mode: 'add' | 'remove',
  dryRun: boolean,
): LogRulesResult {
  const result: LogRulesResult = { changes: [], notes: [], written: [] };
  const transform = mode === 'add' ? addLogRules : removeLogRules;
  for (const source of readSources(paths, cwd)) {
    const values = source.documents.map((doc) => {
      if (!isRecord(doc.value)) return undefined;
      const one = (v: unknown, line: number): unknown => {
        if (!isRecord(v)) return v;
        const r = transform(v);
        if (r.note) result.notes.push(`${source.file}:${line}: ${r.note}`);
        for (const c of r.changes) result.changes.push({ ...c, file: source.file, line });
        return r.changes.length ? r.value : v;
      };
      const top = doc.value;
      if (Array.isArray(top['items'])) {
        const items = top['items'].map((item, i) =>
          one(item, doc.locate(['items', i])?.line ?? doc.location.line),
        );
        return items.some((it, i) => it !== (top['items'] as unknown[])[i]) ? { ...top, items } : undefined;
      }
      const v = one(top, doc.location.line);
      return v === top ? undefined : v;
    });
    if (values.every((v) => v === undefined) || dryRun) continue;
    writeFileAtomic(source.path, render(source, values));
    result.written.push(source.file);
  }
  return result;
}
