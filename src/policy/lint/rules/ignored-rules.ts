// Rules for a direction the policy does not declare are silently ignored by both Kubernetes and
// Calico: the author meant something the cluster will never do.
import { RULES } from '../catalog.js';
import { asArray, describe, isCalicoPolicy, isKubernetesShaped } from '../resource.js';
import type { LintContext } from '../rule.js';
import { DIRECTIONS, policySpec } from '../walk.js';

export function checkIgnoredRules(ctx: LintContext): void {
  for (const r of ctx.resources) {
    const kube = isKubernetesShaped(r);
    if (!kube && !isCalicoPolicy(r)) continue;
    const spec = policySpec(r);
    const typesField = kube ? 'policyTypes' : 'types';
    const types = spec[typesField];
    if (!Array.isArray(types)) continue;
    for (const direction of DIRECTIONS) {
      const typeName = direction === 'ingress' ? 'Ingress' : 'Egress';
      if (asArray(spec[direction]).length > 0 && !types.includes(typeName)) {
        ctx.report(
          RULES.ignoredRules,
          r,
          ['spec', direction],
          `${describe(r)} has ${direction} rules but ${typesField} does not list ${typeName}: they are ignored`,
          `add ${typeName} to spec.${typesField}, or remove the ${direction} rules`,
          { key: true },
        );
      }
    }
  }
}
