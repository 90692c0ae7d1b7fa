// The object against its kind's schema, plus the checks on identity the API server makes before it
// looks at a spec: the API group, the name, the namespace, and duplicates.
import { RULES } from '../catalog.js';
import {
  CALICO_KINDS,
  CALICO_STORAGE_GROUP,
  KUBERNETES_NETWORKING,
  describe,
  isCalicoGroup,
  isGlobal,
  type CalicoKind,
  type Resource,
} from '../resource.js';
import type { LintContext } from '../rule.js';
import { validateKubernetesNetworkPolicy } from '../schema-kubernetes.js';
import { validateClusterNetworkPolicy } from '../../kubernetes/cluster-network-policy-schema.js';
import {
  isClusterNetworkPolicy,
  isRemovedAdminPolicy,
  removedAdminPolicyMessage,
} from '../../model/calico-kinds.js';
import { kubernetesUnknownFields, validateCalico, type SchemaIssue } from '../schema-validators.js';

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

function isCalicoKindName(kind: string): kind is CalicoKind {
  return (CALICO_KINDS as readonly string[]).includes(kind);
}

/** Kinds the linter validates; anything else in the files is left alone. */
export function isPolicyObject(r: Resource): boolean {
  return (
    (r.apiVersion === KUBERNETES_NETWORKING && r.kind === 'NetworkPolicy') ||
    isClusterNetworkPolicy(r) ||
    (isCalicoGroup(r.apiVersion) && isCalicoKindName(r.kind))
  );
}

function reportIssues(ctx: LintContext, r: Resource, issues: SchemaIssue[]): void {
  for (const issue of issues) {
    if (issue.unknownField !== undefined) {
      ctx.report(
        RULES.unknownField,
        r,
        issue.path,
        `${describe(r)}: ${issue.message}`,
        issue.didYouMean
          ? `did you mean '${issue.didYouMean}'? (or remove it; check its indentation against the kind's reference)`
          : "remove it, or check its spelling and indentation against the kind's reference",
        { key: true },
      );
    } else {
      ctx.report(
        RULES.schema,
        r,
        issue.path,
        `${describe(r)}: ${issue.path.length ? `${issue.path.join('.')} ` : ''}${issue.message}`,
      );
    }
  }
}

export function checkSchemas(ctx: LintContext): void {
  for (const r of ctx.resources) {
    if (r.apiVersion === CALICO_STORAGE_GROUP) {
      ctx.report(
        RULES.storageApiGroup,
        r,
        ['apiVersion'],
        `apiVersion ${CALICO_STORAGE_GROUP} is Calico's internal storage API; objects written there bypass Calico's validation and defaulting`,
        `use apiVersion: projectcalico.org/v3 (served by the Calico API server, 'kubectl get ${plural(r.kind)}.projectcalico.org')`,
      );
    }
    if (isRemovedAdminPolicy(r.apiVersion, r.kind)) {
      const { message, hint } = removedAdminPolicyMessage(r.kind);
      ctx.report(RULES.removedKind, r, ['kind'], `${describe(r)}: ${message}`, hint);
      continue;
    }
    if (!isPolicyObject(r)) continue;
    if (!r.name)
      ctx.report(
        RULES.schema,
        r,
        ['metadata'],
        `${r.kind} has no metadata.name`,
        'every object needs a name',
      );
    if (isClusterNetworkPolicy(r)) {
      // Its CRD's OpenAPI and CEL rules, the same checks the loader makes (exit 2 there).
      for (const issue of validateClusterNetworkPolicy(r.value))
        ctx.report(
          RULES.schema,
          r,
          issue.path,
          `${describe(r)}: ${issue.path.length && !issue.missing ? `${issue.path.join('.')} ` : ''}${issue.message}`,
          issue.hint,
          { key: !!issue.missing },
        );
    } else if (isCalicoGroup(r.apiVersion) && isCalicoKindName(r.kind)) {
      if (ctx.calico) reportIssues(ctx, r, validateCalico(ctx.calico, r.kind, r.value));
    } else {
      // Kubernetes' types come with picocal; its field list is Calico's StagedKubernetesNetworkPolicy's.
      reportIssues(ctx, r, [
        ...validateKubernetesNetworkPolicy(r.value),
        ...(ctx.calico ? kubernetesUnknownFields(ctx.calico, r.value) : []),
      ]);
    }
    if (!isGlobal(r) && r.namespace === undefined && r.name) {
      ctx.report(
        RULES.missingNamespace,
        r,
        ['metadata'],
        `${describe(r)} has no metadata.namespace: it applies to whichever namespace kubectl is pointed at (usually 'default')`,
        'set metadata.namespace so the policy always lands where it is meant to',
        { key: true },
      );
    }
  }
}

export function checkDuplicates(ctx: LintContext): void {
  const seen = new Map<string, Resource>();
  for (const r of ctx.resources) {
    if (!isPolicyObject(r) || !r.name) continue;
    const group = isCalicoGroup(r.apiVersion) ? 'projectcalico.org' : r.apiVersion;
    const key = `${group}|${r.kind}|${isGlobal(r) ? '' : (r.namespace ?? 'default')}|${r.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, r);
      continue;
    }
    const loc = first.doc.locate([...first.base, 'metadata', 'name']) ?? first.doc.location;
    ctx.report(
      RULES.duplicate,
      r,
      ['metadata', 'name'],
      `${describe(r)} is defined twice (first at ${loc.file}:${loc.line}); applying both keeps only the last`,
      'rename one of them, or merge their rules',
    );
  }
}
