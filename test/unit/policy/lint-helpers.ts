// Lint YAML text without touching the disk, with Calico's schemas read from the real release manifest
// in ../shared/calico (the same file picocal downloads and sha256-checks for users).
import { lintSources, loadCalicoSchemas, type LintResult } from '../../../src/policy/lint/index.js';
import { parseYamlDocuments } from '../../../src/yaml/source-map.js';

export const CALICO_ARTIFACTS = '../shared/calico';

export const CALICO = await loadCalicoSchemas({ artifactsDir: CALICO_ARTIFACTS });

export function lintText(text: string, file = 'policy.yaml'): LintResult {
  return lintSources([{ file, path: file, text, documents: parseYamlDocuments(text, file) }], {
    calico: CALICO,
  });
}

export function ruleIds(text: string): string[] {
  return lintText(text).findings.map((f) => f.rule);
}
