// What a lint rule is: a stable id, a default severity, a one-line summary (SARIF's rule list), and a
// check that reports findings through the context. Rules never throw for bad input: bad input is
// what they report.
import type { PathSegment } from '../../yaml/source-map.js';
import type { CalicoSchemas } from './calico-schemas.js';
import type { Finding, Severity } from './finding.js';
import { fieldName, locate, type Resource } from './resource.js';

export interface RuleSpec {
  id: string;
  severity: Severity;
  summary: string;
}

export interface ReportOptions {
  severity?: Severity;
  /** Point at the field's key rather than its value (for fields that should not be there). */
  key?: boolean;
  /** Columns to move right of the value's start, e.g. into a selector string. */
  columnOffset?: number;
}

export class LintContext {
  readonly findings: Finding[] = [];
  constructor(
    readonly resources: readonly Resource[],
    /** Calico's CRD schemas; undefined when the manifest could not be had (those checks are skipped). */
    readonly calico?: CalicoSchemas,
  ) {}

  report(
    rule: RuleSpec,
    r: Resource,
    path: readonly PathSegment[],
    message: string,
    hint?: string,
    opts: ReportOptions = {},
  ): void {
    const loc = locate(r, path, opts.key);
    this.findings.push({
      rule: rule.id,
      severity: opts.severity ?? rule.severity,
      file: loc.file,
      line: loc.line,
      column: loc.column + (opts.columnOffset ?? 0),
      field: fieldName(r, path),
      message,
      ...(hint ? { hint } : {}),
    });
  }
}

export interface Rule extends RuleSpec {
  check(ctx: LintContext): void;
}
