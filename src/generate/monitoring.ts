// The monitoring files picocal ships (templates/monitoring/): the Prometheus rule file on Calico's real
// metrics, the metrics Services and ServiceMonitor, and the same rules as a PrometheusRule for clusters
// that run the Prometheus operator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { TEMPLATES_DIR } from '../paths.js';
import type { GeneratedFile } from './write-new-files.js';

export const MONITORING_DIR = join(TEMPLATES_DIR, 'monitoring');
export const RULES_FILE = 'calico-alerts.rules.yaml';
export const METRICS_FILE = 'calico-metrics.yaml';
export const PROMETHEUS_RULE_FILE = 'calico-alerts.prometheusrule.yaml';

export function rulesText(): string {
  return readFileSync(join(MONITORING_DIR, RULES_FILE), 'utf8');
}

export function prometheusRule(rules: string): Record<string, unknown> {
  const { groups } = load(rules) as { groups: unknown[] };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'calico-alerts',
      namespace: 'calico-system',
      labels: { 'app.kubernetes.io/managed-by': 'picocal' },
    },
    spec: { groups },
  };
}

export function monitoringFiles(): GeneratedFile[] {
  const rules = rulesText();
  return [
    { path: RULES_FILE, text: rules },
    { path: METRICS_FILE, text: readFileSync(join(MONITORING_DIR, METRICS_FILE), 'utf8') },
    {
      path: PROMETHEUS_RULE_FILE,
      text:
        `# ${RULES_FILE} as a prometheus-operator PrometheusRule. Written by \`picocal monitoring rules\`.\n` +
        dump(prometheusRule(rules), { lineWidth: -1, noRefs: true }),
    },
  ];
}
