// Files that live beside policies in a policy repository and that the guide also gets wrong: the
// operator's Installation, the Flux Kustomization that deploys the folder, and the alert rules.
import type { PathSegment } from '../../../yaml/source-map.js';
import { RULES } from '../catalog.js';
import { asArray, asString, describe, isObject, type Json, type Resource } from '../resource.js';
import type { LintContext } from '../rule.js';

const MISSING_METRICS: Record<string, string> = {
  calico_denied_packets: 'exists only in Calico Enterprise',
  calico_allowed_packets: 'does not exist',
  calico_enforcement_errors_total: 'does not exist',
};
const METRIC_HINT =
  'open-source Calico exports felix_*, typha_* and ipam_* metrics (Felix metrics are off by default: prometheusMetricsEnabled); e.g. felix_int_dataplane_failures, felix_iptables_restore_errors, felix_resync_state';

function checkInstallation(ctx: LintContext, r: Resource): void {
  if (r.apiVersion !== 'operator.tigera.io/v1' || r.kind !== 'Installation') return;
  if (r.namespace !== undefined) {
    ctx.report(
      RULES.installationEnforcement,
      r,
      ['metadata', 'namespace'],
      `${describe(r)}: Installation is cluster-scoped; it has no namespace`,
      'remove metadata.namespace',
    );
  }
  const spec = isObject(r.value['spec']) ? r.value['spec'] : {};
  if (spec['podSecurityPolicy'] !== undefined) {
    ctx.report(
      RULES.installationEnforcement,
      r,
      ['spec', 'podSecurityPolicy'],
      `${describe(r)}: Installation has no podSecurityPolicy field and Calico has no cluster-wide staged/enforced mode`,
      'stage policies as StagedNetworkPolicy kinds and enforce them by converting them: picocal policy stage / picocal policy enforce',
      { key: true },
    );
  }
}

function checkFlux(ctx: LintContext, r: Resource): void {
  const m = /^kustomize\.toolkit\.fluxcd\.io\/(v1beta[12]|v1)$/.exec(r.apiVersion);
  if (!m || r.kind !== 'Kustomization') return;
  if (m[1] !== 'v1') {
    ctx.report(
      RULES.fluxKustomization,
      r,
      ['apiVersion'],
      `${describe(r)}: ${r.apiVersion} is removed from current Flux`,
      'use apiVersion kustomize.toolkit.fluxcd.io/v1 and set spec.prune (true removes policies deleted from Git)',
    );
    return;
  }
  const spec = isObject(r.value['spec']) ? r.value['spec'] : {};
  if (typeof spec['prune'] !== 'boolean') {
    ctx.report(
      RULES.fluxKustomization,
      r,
      ['spec'],
      `${describe(r)}: spec.prune is required in kustomize.toolkit.fluxcd.io/v1`,
      'set spec.prune: true',
      { key: true },
    );
  }
}

function checkExpr(ctx: LintContext, r: Resource, path: PathSegment[], expr: unknown): void {
  const text = asString(expr);
  if (!text) return;
  for (const [metric, why] of Object.entries(MISSING_METRICS)) {
    if (new RegExp(`\\b${metric}\\b`).test(text)) {
      ctx.report(
        RULES.unknownMetric,
        r,
        path,
        `metric ${metric} ${why} in open-source Calico: this alert can never fire`,
        METRIC_HINT,
      );
    }
  }
}

function checkRuleGroups(ctx: LintContext, r: Resource, groupsPath: PathSegment[], groups: unknown): void {
  asArray(groups).forEach((g, i) => {
    if (!isObject(g)) return;
    asArray(g['rules']).forEach((rule, j) => {
      if (isObject(rule)) checkExpr(ctx, r, [...groupsPath, i, 'rules', j, 'expr'], rule['expr']);
    });
  });
}

function checkPrometheus(ctx: LintContext, r: Resource): void {
  const v: Json = r.value;
  if (typeof v['alert'] === 'string' && v['expr'] !== undefined && !r.kind) {
    ctx.report(
      RULES.prometheusRuleShape,
      r,
      ['alert'],
      `alert ${JSON.stringify(v['alert'])} is a bare rule: Prometheus rule files are 'groups:' of named groups with 'rules:'`,
      'wrap it: groups: [{name: calico, rules: [{alert: ..., expr: ..., for: 5m}]}] (check with promtool check rules)',
      { key: true },
    );
    checkExpr(ctx, r, ['expr'], v['expr']);
  }
  if (Array.isArray(v['groups'])) checkRuleGroups(ctx, r, ['groups'], v['groups']);
  const spec = v['spec'];
  if (r.kind === 'PrometheusRule' && isObject(spec))
    checkRuleGroups(ctx, r, ['spec', 'groups'], spec['groups']);
}

/** CI jobs (GitLab's `script:` lists) that need a live API server to check policies. */
function checkCiJobs(ctx: LintContext, r: Resource): void {
  for (const [job, body] of Object.entries(r.value)) {
    if (!isObject(body)) continue;
    asArray(body['script']).forEach((line, i) => {
      if (typeof line === 'string' && /\s--dry-run=server\b/.test(line)) {
        ctx.report(
          RULES.ciNeedsCluster,
          r,
          [job, 'script', i],
          `job ${job}: '--dry-run=server' sends the policies to a live API server, which a CI runner does not have`,
          'lint offline instead: picocal policy lint policies/ --sarif lint.sarif (no cluster needed)',
        );
      }
    });
  }
}

export function checkNeighbours(ctx: LintContext): void {
  for (const r of ctx.resources) {
    if (!r.kind) checkCiJobs(ctx, r);
    checkInstallation(ctx, r);
    checkFlux(ctx, r);
    checkPrometheus(ctx, r);
  }
}
