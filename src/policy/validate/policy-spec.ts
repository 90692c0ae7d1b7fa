// The spec of a Calico NetworkPolicy or GlobalNetworkPolicy (and of their staged forms, once staged
// fields are set aside): selectors, types, the host-endpoint flags, performance hints and the rules.
import { apiRule, isRecord, VALIDATOR, type Report } from './api-rule.js';
import { isSubdomainName } from './names.js';
import { checkRule, type Direction } from './rule.js';
import { checkNoGlobal, checkSelector } from './selectors.js';

const NP = 'api/pkg/apis/projectcalico/v3/networkpolicy.go';
const GNP = 'api/pkg/apis/projectcalico/v3/globalnetworkpolicy.go';

export const SPEC_RULES = {
  tier: apiRule(
    'tier-field',
    'spec.tier is a DNS-1123 name',
    'name an existing Tier, e.g. tier: security',
    `${NP}#L57, ${GNP}#L65 (validate:"name")`,
  ),
  policyType: apiRule(
    'policy-type',
    'types entries must be Ingress or Egress',
    'write Ingress or Egress (capitalised)',
    `${VALIDATOR}#L648-L655 (validatePolicyType); ${NP}#L118`,
  ),
  duplicateType: apiRule(
    'policy-type-repeated',
    'type specified more than once',
    'list each of Ingress and Egress at most once',
    `${VALIDATOR}#L1806-L1814, #L1999-L2007`,
  ),
  namespacedField: apiRule(
    'namespaced-policy-field',
    'a namespaced NetworkPolicy has no such field (only GlobalNetworkPolicy has namespaceSelector, doNotTrack, preDNAT and applyOnForward)',
    'remove the field (the policy applies in its own namespace), or make it a GlobalNetworkPolicy',
    `${NP}#L50-L134 (NetworkPolicySpec fields) vs ${GNP}#L128-L140`,
  ),
  preDnatAndDoNotTrack: apiRule(
    'prednat-and-donottrack',
    'PreDNAT and DoNotTrack cannot both be true',
    'keep one of preDNAT and doNotTrack',
    `${VALIDATOR}#L1975-L1978`,
  ),
  preDnatEgress: apiRule(
    'prednat-egress-rules',
    'PreDNAT policy cannot have any egress rules',
    'move the egress rules to a policy without preDNAT',
    `${VALIDATOR}#L1980-L1983`,
  ),
  preDnatEgressType: apiRule(
    'prednat-egress-type',
    "PreDNAT policy cannot have 'Egress' type",
    'remove Egress from types',
    `${VALIDATOR}#L1985-L1992`,
  ),
  applyOnForward: apiRule(
    'apply-on-forward',
    'applyOnForward must be true if either preDNAT or doNotTrack is true',
    'add applyOnForward: true',
    `${VALIDATOR}#L1994-L1997`,
  ),
  performanceHint: apiRule(
    'performance-hints',
    'performanceHints entries are unique and each AssumeNeededOnEveryNode',
    'write performanceHints: [AssumeNeededOnEveryNode] or leave it out',
    `${NP}#L133, ${GNP}#L152 (unique,dive,oneof=AssumeNeededOnEveryNode)`,
  ),
} as const;

const SPEC = ['spec'] as const;
const NAMESPACED_ONLY_GLOBAL = ['namespaceSelector', 'doNotTrack', 'preDNAT', 'applyOnForward'];

export function checkPolicySpec(spec: Record<string, unknown>, global: boolean, report: Report): void {
  const tier = spec['tier'];
  if (typeof tier === 'string' && tier !== '' && !isSubdomainName(tier))
    report(['spec', 'tier'], SPEC_RULES.tier, `'${tier}'`);
  const selectorFields = ['selector', 'serviceAccountSelector', ...(global ? ['namespaceSelector'] : [])];
  for (const f of selectorFields) {
    checkSelector(spec[f], SPEC, f, report);
    checkNoGlobal(spec[f], SPEC, f, report);
  }
  if (!global)
    for (const f of NAMESPACED_ONLY_GLOBAL)
      if (spec[f] !== undefined) report(['spec', f], SPEC_RULES.namespacedField, f);

  const types = Array.isArray(spec['types']) ? spec['types'] : [];
  const seen = new Set<unknown>();
  types.forEach((t: unknown, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      report(['spec', 'types', i], SPEC_RULES.policyType, `'${String(t)}'`);
    else if (seen.has(t)) report(['spec', 'types', i], SPEC_RULES.duplicateType, `'${t}'`);
    seen.add(t);
  });

  if (global) {
    const egress = Array.isArray(spec['egress']) ? spec['egress'] : [];
    if (spec['doNotTrack'] === true && spec['preDNAT'] === true)
      report(['spec', 'preDNAT'], SPEC_RULES.preDnatAndDoNotTrack);
    if (spec['preDNAT'] === true && egress.length) report(['spec', 'egress'], SPEC_RULES.preDnatEgress);
    if (spec['preDNAT'] === true && types.includes('Egress'))
      report(['spec', 'types'], SPEC_RULES.preDnatEgressType);
    if (spec['applyOnForward'] !== true && (spec['doNotTrack'] === true || spec['preDNAT'] === true))
      report(['spec', 'applyOnForward'], SPEC_RULES.applyOnForward);
  }

  const hints = spec['performanceHints'];
  if (Array.isArray(hints)) {
    const bad = hints.some((h) => h !== 'AssumeNeededOnEveryNode') || new Set(hints).size !== hints.length;
    if (bad) report(['spec', 'performanceHints'], SPEC_RULES.performanceHint);
  }

  for (const dir of ['ingress', 'egress'] as Direction[]) {
    const list = spec[dir];
    if (Array.isArray(list))
      list.forEach((r: unknown, i) => checkRule(r, ['spec', dir, i], dir, global, report));
  }
}

export function specOf(value: Record<string, unknown>): Record<string, unknown> {
  return isRecord(value['spec']) ? value['spec'] : {};
}
