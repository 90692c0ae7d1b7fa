// Compiler-style text: `file:line:col: severity rule-id: message`, the hint indented below, so
// editors and CI logs turn each finding into a link.
import { countFindings, type Finding } from '../finding.js';

export function formatFinding(f: Finding): string {
  const head = `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`;
  return f.hint ? `${head}\n    hint: ${f.hint}` : head;
}

export function formatSummary(findings: readonly Finding[], files: number): string {
  const c = countFindings(findings);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'note')} in ${plural(files, 'file')}`;
}
