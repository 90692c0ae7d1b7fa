// SARIF 2.1.0 (OASIS), the format code-scanning UIs (GitHub, GitLab, Azure DevOps) read: one run,
// the rule catalog as the tool's rules, one result per finding with a file region. Whether Calico's
// schemas were checked goes in the run's properties, and as a tool notification when they were not, so
// a run with fewer checks does not pass for a clean one.
import { packageVersion } from '../../../paths.js';
import { uncheckedNotice, type CalicoSchemaStatus } from '../calico-schema-status.js';
import { ALL_RULES } from '../catalog.js';
import type { Finding, Severity } from '../finding.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

export function toSarif(findings: readonly Finding[], schema?: CalicoSchemaStatus): Record<string, unknown> {
  const ruleIndex = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  const notice = schema && uncheckedNotice(schema);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'picocal',
            version: packageVersion(),
            informationUri: 'https://github.com/picocal/picocal',
            rules: ALL_RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        ...(notice && schema && !schema.checked
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [
                    {
                      descriptor: { id: 'calico-schemas-unavailable' },
                      level: 'warning',
                      message: { text: `${notice}\nhint: ${schema.hint}` },
                    },
                  ],
                },
              ],
            }
          : {}),
        ...(schema ? { properties: { calicoSchemas: schema } } : {}),
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.hint ? `${f.message}\nhint: ${f.hint}` : f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.split('\\').join('/') },
                region: { startLine: f.line, startColumn: f.column },
              },
              logicalLocations: [{ fullyQualifiedName: f.field, kind: 'member' }],
            },
          ],
        })),
      },
    ],
  };
}
