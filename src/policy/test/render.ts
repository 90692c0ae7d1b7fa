// A policy test run for a person (a kubectl-style table, then why each failure failed) and for a
// machine (one JSON document).
import { formatLocation } from '../../errors.js';
import { table } from '../../core/table.js';
import type { TestResult } from './run.js';

export function summaryLine(results: readonly TestResult[]): string {
  const failed = results.filter((r) => !r.passed).length;
  return `${results.length - failed} passed, ${failed} failed, ${results.length} total`;
}

export function resultsText(results: readonly TestResult[]): string[] {
  const anyFailed = results.some((r) => !r.passed);
  const rows = results.map((r) => {
    const e = r.expectation;
    const row = [
      r.passed ? 'PASS' : 'FAIL',
      e.name,
      `${(e.protocol ?? 'TCP').toUpperCase()}${e.port !== undefined ? `/${e.port}` : ''}`,
      e.expect,
      r.actual,
    ];
    if (anyFailed)
      row.push(r.passed ? '' : r.decidedBy.join('; ') || 'no policy applies (allowed by profile)');
    return row;
  });
  const headers = ['result', 'name', 'port', 'expect', 'actual'];
  const lines = table(anyFailed ? [...headers, 'decided by'] : headers, rows);
  for (const r of results.filter((x) => !x.passed)) {
    lines.push('', `FAIL ${r.expectation.name} (${formatLocation(r.expectation.location)})`);
    lines.push(`  expected ${r.expectation.expect}, got ${r.actual}: ${r.flow}`);
    for (const l of r.explanation) lines.push(`  ${l}`);
  }
  return lines;
}

export function resultsJson(file: string, results: readonly TestResult[]) {
  const failed = results.filter((r) => !r.passed).length;
  return {
    file,
    summary: { total: results.length, passed: results.length - failed, failed },
    results: results.map((r) => ({
      name: r.expectation.name,
      location: formatLocation(r.expectation.location),
      from: r.expectation.from,
      to: r.expectation.to,
      protocol: (r.expectation.protocol ?? 'TCP').toUpperCase(),
      port: r.expectation.port === undefined ? null : Number(r.expectation.port),
      expect: r.expectation.expect,
      actual: r.actual,
      passed: r.passed,
      flow: r.flow,
      decidedBy: r.decidedBy,
      explanation: r.explanation,
    })),
  };
}
