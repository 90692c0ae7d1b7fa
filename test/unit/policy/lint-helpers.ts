// Lint YAML text without touching the disk.
import { lintSources, type LintResult } from '../../../src/policy/lint/index.js';
import { parseYamlDocuments } from '../../../src/yaml/source-map.js';

export function lintText(text: string, file = 'policy.yaml'): LintResult {
  return lintSources([{ file, path: file, text, documents: parseYamlDocuments(text, file) }]);
}

export function ruleIds(text: string): string[] {
  return lintText(text).findings.map((f) => f.rule);
}
