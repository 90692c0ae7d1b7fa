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

/**
 * A Helm release name (kube-prometheus-stack selects ServiceMonitors and PrometheusRules by the label
 * `release: <its release name>`): lower-case DNS label characters, at most 53 (Helm's limit).
 * https://helm.sh/docs/chart_best_practices/conventions/ and helm/pkg/chartutil ValidateReleaseName.
 */
export const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;

export function prometheusRule(rules: string, release?: string): Record<string, unknown> {
  const { groups } = load(rules) as { groups: unknown[] };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'calico-alerts',
      namespace: 'calico-system',
      labels: { 'app.kubernetes.io/managed-by': 'picocal', ...(release ? { release } : {}) },
    },
    spec: { groups },
  };
}

/** The ServiceMonitor's labels get `release: NAME` (the Services keep theirs: the monitor selects them). */
function withRelease(metrics: string, release: string | undefined): string {
  if (!release) return metrics;
  return metrics
    .split('\n---\n')
    .map((doc) =>
      /^kind: ServiceMonitor$/m.test(doc)
        ? doc.replace(
            /^( {4}app\.kubernetes\.io\/managed-by: picocal\n)/m,
            `$1    release: ${JSON.stringify(release)}\n`,
          )
        : doc,
    )
    .join('\n---\n');
}

export function monitoringFiles(release?: string): GeneratedFile[] {
  const rules = rulesText();
  return [
    { path: RULES_FILE, text: rules },
    {
      path: METRICS_FILE,
      text: withRelease(readFileSync(join(MONITORING_DIR, METRICS_FILE), 'utf8'), release),
    },
    {
      path: PROMETHEUS_RULE_FILE,
      text:
        `# ${RULES_FILE} as a prometheus-operator PrometheusRule. Written by \`picocal monitoring rules\`.\n` +
        dump(prometheusRule(rules, release), { lineWidth: -1, noRefs: true }),
    },
  ];
}
