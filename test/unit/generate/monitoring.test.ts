import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { MONITORING_DIR, RULES_FILE, prometheusRule, rulesText } from '../../../src/generate/monitoring.js';
import { runCli } from '../../helpers/run-cli.js';
import { promtool, promtoolAvailable } from './promtool.js';

type Json = Record<string, unknown>;
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Json;
  annotations: Json;
}

const RULES = join(MONITORING_DIR, RULES_FILE);
const groups = (load(rulesText()) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules);

// Metrics Calico open source, kube-state-metrics and Prometheus itself really export
// (../shared/notes/calico-facts.md "Metrics"; docs.tigera.io kube-controllers Prometheus reference).
const REAL_METRICS = new Set([
  'felix_int_dataplane_failures',
  'felix_iptables_restore_errors',
  'felix_iptables_save_errors',
  'felix_resync_state',
  'ipam_allocations_in_use',
  'ipam_ippool_size',
  'kube_pod_status_ready',
  'kube_pod_info',
  'up',
]);

function metricsOf(expr: string): string[] {
  const withoutStrings = expr
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const words = [
    ...withoutStrings.matchAll(/\b([a-z_][a-z0-9_]*)\b(?=\s*[{[)]|\s*$|\s*[=!<>/*]| (?:or|and|unless)\b)/g),
  ]
    .map((m) => m[1] ?? '')
    .filter((w) => !['by', 'on', 'group_left', 'or', 'and', 'unless', 'sum', 'max', 'increase'].includes(w));
  return [...new Set(words)];
}

describe('the Calico alert rules', () => {
  it.each([
    ['CalicoFelixDataplaneFailures', 'felix_int_dataplane_failures'],
    ['CalicoIptablesRestoreErrors', 'felix_iptables_restore_errors'],
    ['CalicoFelixNotInSync', 'felix_resync_state'],
    ['CalicoNodePodNotReady', 'kube_pod_status_ready'],
    ['CalicoIPPoolNearlyFull', 'ipam_ippool_size'],
  ])('has %s on %s', (alert, metric) => {
    expect(rules.find((r) => r.alert === alert)?.expr).toContain(metric);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s uses only real metrics', (_, rule) => {
    const used = metricsOf(rule.expr);
    expect(used.length).toBeGreaterThan(0);
    for (const m of used) expect(REAL_METRICS, `${m} in ${rule.expr}`).toContain(m);
  });

  it.each(rules.map((r) => [r.alert, r] as const))(
    '%s has a severity, a summary, a description and a runbook',
    (_, rule) => {
      expect(['warning', 'critical']).toContain(rule.labels['severity']);
      for (const key of ['summary', 'description', 'runbook'])
        expect(String(rule.annotations[key] ?? '').length, key).toBeGreaterThan(20);
    },
  );

  it('never names the Enterprise-only or invented metrics of the guide', () => {
    for (const r of rules) expect(r.expr).not.toMatch(/calico_/);
  });

  it('is accepted by promtool check rules', (ctx) => {
    if (!promtoolAvailable()) return ctx.skip();
    const r = promtool('check', 'rules', RULES);
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.code).toBe(0);
  });

  it('fires the expected alerts in promtool unit tests', (ctx) => {
    if (!promtoolAvailable()) return ctx.skip();
    const r = promtool('test', 'rules', join(import.meta.dirname, 'fixtures/calico-alerts.test.yaml'));
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('is rejected by promtool in the guide form without groups (the check can fail)', (ctx) => {
    if (!promtoolAvailable()) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'picocal-rules-'));
    writeFileSync(join(dir, 'bad.yaml'), `- alert: X\n  expr: calico_denied_packets > 0\n`);
    expect(promtool('check', 'rules', join(dir, 'bad.yaml')).code).not.toBe(0);
  });
});

describe('the metrics Services and ServiceMonitor', () => {
  const docs = loadAll(readFileSync(join(MONITORING_DIR, 'calico-metrics.yaml'), 'utf8')) as Json[];
  const services = docs.filter((d) => d['kind'] === 'Service');

  it.each([
    ['felix-metrics-svc', 'calico-node', 9091],
    ['kube-controllers-metrics-svc', 'calico-kube-controllers', 9094],
  ])('%s is a valid headless Service over k8s-app=%s on port %s in calico-system', (name, app, port) => {
    const svc = services.find((s) => (s['metadata'] as Json)['name'] === name);
    expect(svc).toBeDefined();
    expect(() => new Service(svc as never).validate()).not.toThrow();
    expect(svc).toMatchObject({
      metadata: { namespace: 'calico-system' },
      spec: { clusterIP: 'None', selector: { 'k8s-app': app }, ports: [{ name: 'metrics', port }] },
    });
  });

  it('has a ServiceMonitor that selects both Services by label and scrapes their metrics port', () => {
    const sm = docs.find((d) => d['kind'] === 'ServiceMonitor') as {
      apiVersion: string;
      spec: {
        selector: { matchLabels: Record<string, string> };
        namespaceSelector: { matchNames: string[] };
        endpoints: { port: string }[];
      };
    };
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    for (const svc of services) {
      const meta = svc['metadata'] as { labels: Record<string, string>; namespace: string };
      expect(meta.labels).toMatchObject(sm.spec.selector.matchLabels);
      expect(sm.spec.namespaceSelector.matchNames).toContain(meta.namespace);
    }
    expect(sm.spec.endpoints.map((e) => e.port)).toEqual(['metrics']);
  });

  it('names the Felix job the way the scrape-down alert expects', () => {
    expect(rules.find((r) => r.alert === 'CalicoFelixMetricsDown')?.expr).toContain(
      'job="felix-metrics-svc"',
    );
  });
});

describe('picocal monitoring rules', () => {
  it('writes the rule file, the scrape manifests and a PrometheusRule with the same groups', async (ctx) => {
    const out = join(mkdtempSync(join(tmpdir(), 'picocal-monitoring-')), 'monitoring');
    const r = await runCli(['monitoring', 'rules', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `wrote ${out}/calico-alerts.rules.yaml`,
      `wrote ${out}/calico-metrics.yaml`,
      `wrote ${out}/calico-alerts.prometheusrule.yaml`,
    ]);
    const pr = load(readFileSync(join(out, 'calico-alerts.prometheusrule.yaml'), 'utf8')) as Json;
    expect(pr).toEqual(prometheusRule(rulesText()));
    expect((pr['spec'] as Json)['groups']).toEqual(groups);
    if (!promtoolAvailable()) return ctx.skip();
    expect(promtool('check', 'rules', join(out, 'calico-alerts.rules.yaml')).code).toBe(0);
  });

  it('--release NAME labels the ServiceMonitor and the PrometheusRule for kube-prometheus-stack', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'picocal-monitoring-')), 'monitoring');
    const r = await runCli(['monitoring', 'rules', '--out', out, '--release', 'kube-prometheus']);
    expect(r.code, r.stderr).toBe(0);
    const metrics = loadAll(readFileSync(join(out, 'calico-metrics.yaml'), 'utf8')) as Json[];
    const labelsOf = (d: Json) => (d['metadata'] as { labels: Record<string, string> }).labels;
    for (const d of metrics)
      expect(labelsOf(d)['release'], String(d['kind'])).toBe(
        d['kind'] === 'ServiceMonitor' ? 'kube-prometheus' : undefined,
      );
    const pr = load(readFileSync(join(out, 'calico-alerts.prometheusrule.yaml'), 'utf8')) as Json;
    expect(labelsOf(pr)).toEqual({ 'app.kubernetes.io/managed-by': 'picocal', release: 'kube-prometheus' });
    expect((pr['spec'] as Json)['groups']).toEqual(groups);
  });

  it.each([['Kube_Prom'], ['a b'], ['-x'], ['x'.repeat(54)]])(
    '--release %j is not a Helm release name: exit 2, nothing written',
    async (name) => {
      const out = join(mkdtempSync(join(tmpdir(), 'picocal-monitoring-')), 'monitoring');
      const r = await runCli(['monitoring', 'rules', '--out', out, '--release', name]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--release');
      expect(() => readFileSync(join(out, 'calico-metrics.yaml'))).toThrow();
    },
  );

  it('refuses to overwrite unless --force', async () => {
    const out = mkdtempSync(join(tmpdir(), 'picocal-monitoring-'));
    writeFileSync(join(out, 'calico-metrics.yaml'), 'mine\n');
    const r = await runCli(['monitoring', 'rules', '--out', out]);
    expect(r.code).toBe(2);
    expect(readFileSync(join(out, 'calico-metrics.yaml'), 'utf8')).toBe('mine\n');
    expect((await runCli(['monitoring', 'rules', '--out', out, '--force'])).code).toBe(0);
  });
});
