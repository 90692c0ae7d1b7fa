// The projectcalico.org/v3 API server's own validation, for the kinds picocal reads. One entry point,
// validateCalicoObject, serves the loader (calico-validate, the matrix: exit 2) and `policy lint`
// (an error finding per broken rule). Rules are ported from libcalico-go's validator at v3.32.1; each
// rule names its upstream line (api-rule.ts).
//
// Not ported, and why (validator.go at v3.32.1):
// | Upstream                                          | Why not here                                         |
// |---------------------------------------------------|------------------------------------------------------|
// | CRD OpenAPI + CEL validation (L170-L179)          | `policy lint` checks Calico's CRD schemas already    |
// | Tier existence (clientv3/networkpolicy.go L48-53) | the loader checks it across the files (tiers.ts)     |
// | StagedKubernetesNetworkPolicy Set (L2188-L2203)   | its spec is Kubernetes'; the Kubernetes loader checks |
// | Rule `types` vs ingress/egress presence           | no such rule upstream: lint warns (ignored-rules)    |
// | order (float64, no validate tag)                  | nothing refused; the loader refuses NaN/infinity    |
// | HostEndpoint, WorkloadEndpoint, Profile, IPPool,  | kinds picocal does not read                          |
// |   BGP*, FelixConfiguration, KubeControllers, ...  |                                                      |
// | metadata.namespace format                         | Kubernetes' own (namespace) validation, not Calico's |
import type { PathSegment } from '../../yaml/source-map.js';
import { isRecord, messageOf, type ApiRule, type Report } from './api-rule.js';
import { ENTITY_RULES } from './entity.js';
import { HTTP_RULES } from './http.js';
import { checkMetadata, checkNetworkSetLabels, NAME_RULES } from './names.js';
import { checkNetworkSetNets, NET_RULES } from './nets.js';
import { checkPolicySpec, SPEC_RULES, specOf } from './policy-spec.js';
import { PORT_RULES } from './ports.js';
import { PROTOCOL_RULES } from './protocol.js';
import { RULE_RULES } from './rule.js';
import { SELECTOR_RULES } from './selectors.js';
import { checkStaged, STAGED_RULES } from './staged.js';
import { checkTierSpec, tierName, TIER_RULES } from './tier.js';

export { messageOf, type ApiRule, type Report } from './api-rule.js';

export const API_RULES: readonly ApiRule[] = [
  NAME_RULES,
  SPEC_RULES,
  RULE_RULES,
  PROTOCOL_RULES,
  PORT_RULES,
  NET_RULES,
  ENTITY_RULES,
  HTTP_RULES,
  SELECTOR_RULES,
  STAGED_RULES,
  TIER_RULES,
].flatMap((group) => Object.values(group));

/** Kinds this validation knows; anything else is left alone. */
export const VALIDATED_KINDS = [
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'Tier',
  'NetworkSet',
  'GlobalNetworkSet',
] as const;

/** Every rule of the v3 API that a projectcalico.org/v3 object of `kind` breaks, reported by field. */
export function validateCalicoObject(kind: string, value: Record<string, unknown>, report: Report): void {
  const spec = specOf(value);
  switch (kind) {
    case 'NetworkPolicy':
    case 'GlobalNetworkPolicy': {
      const global = kind === 'GlobalNetworkPolicy';
      checkMetadata(value, global ? 'global-policy' : 'network-policy', report);
      checkPolicySpec(spec, global, report);
      return;
    }
    case 'StagedNetworkPolicy':
    case 'StagedGlobalNetworkPolicy': {
      const global = kind === 'StagedGlobalNetworkPolicy';
      checkMetadata(value, global ? 'global-policy' : 'network-policy', report);
      if (checkStaged(spec, ['tier'], report)) checkPolicySpec(spec, global, report);
      return;
    }
    case 'StagedKubernetesNetworkPolicy':
      checkMetadata(value, 'subdomain', report);
      checkStaged(spec, [], report);
      return;
    case 'Tier':
      checkMetadata(value, 'tier', report);
      checkTierSpec(tierName(value), spec, report);
      return;
    case 'NetworkSet':
    case 'GlobalNetworkSet':
      checkMetadata(value, 'subdomain', report);
      checkNetworkSetLabels(value, report);
      checkNetworkSetNets(spec['nets'], report);
      return;
  }
}

/** The same, collected: for tests and callers that want a list. */
export function apiViolations(
  kind: string,
  value: unknown,
): { path: PathSegment[]; rule: ApiRule; message: string }[] {
  const out: { path: PathSegment[]; rule: ApiRule; message: string }[] = [];
  if (isRecord(value))
    validateCalicoObject(kind, value, (path, rule, detail) =>
      out.push({ path, rule, message: messageOf(rule, detail) }),
    );
  return out;
}
