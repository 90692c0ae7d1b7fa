// The policy linter's public face: lint files and folders, and render findings as text or SARIF.
export { lintPaths, lintSources, type LintOptions, type LintResult } from './lint.js';
export { loadCalicoSchemas, type CalicoSchemaOptions, type CalicoSchemas } from './calico-schemas.js';
export {
  calicoSchemasForLint,
  uncheckedNotice,
  type CalicoSchemaStatus,
  type LoadedCalicoSchemas,
} from './calico-schema-status.js';
export { readSources } from './sources.js';
export { compareFindings, countFindings, type Finding, type Severity } from './finding.js';
export { ALL_RULES, RULES } from './catalog.js';
export { formatFinding, formatSummary } from './report/text.js';
export { toSarif } from './report/sarif.js';
