// Every rule the linter has: id (stable, used in output and to look rules up), default severity, and
// the one-line summary SARIF lists. The checks that report them live in rules/.
import type { RuleSpec } from './rule.js';
import { API_RULE_SPECS } from './rules/calico-api.js';

function rule(id: string, severity: RuleSpec['severity'], summary: string): RuleSpec {
  return { id, severity, summary };
}

export const RULES = {
  schema: rule(
    'schema',
    'error',
    'The object does not match the schema of its kind (the API server would reject it)',
  ),
  unknownField: rule(
    'unknown-field',
    'error',
    'A field the kind does not have (rejected by strict field validation)',
  ),
  storageApiGroup: rule(
    'calico-storage-api-group',
    'error',
    "crd.projectcalico.org/v1 is Calico's internal storage group; write projectcalico.org/v3",
  ),
  removedKind: rule(
    'removed-in-calico-3-32',
    'error',
    'AdminNetworkPolicy and BaselineAdminNetworkPolicy were removed in Calico 3.32: write ClusterNetworkPolicy',
  ),
  missingNamespace: rule(
    'missing-namespace',
    'info',
    'A namespaced policy without metadata.namespace lands in whatever namespace kubectl uses',
  ),
  duplicate: rule(
    'duplicate-resource',
    'warning',
    'Two objects with the same kind, namespace and name: the later one replaces the first',
  ),
  icmpInKubernetes: rule(
    'icmp-in-kubernetes-policy',
    'error',
    'Kubernetes NetworkPolicy ports accept only TCP, UDP and SCTP',
  ),
  portNameTooLong: rule(
    'port-name-too-long',
    'error',
    'Named ports are at most 15 characters (IANA service names)',
  ),
  invalidPortName: rule(
    'invalid-port-name',
    'error',
    'Named ports are lowercase letters, digits and single hyphens, with at least one letter',
  ),
  invalidPort: rule('invalid-port', 'error', 'Port numbers are 1-65535 and ranges are low:high'),
  endPort: rule('end-port', 'error', 'endPort needs a numeric port not above it'),
  serviceAccountLabel: rule(
    'service-account-label',
    'warning',
    'A pod selector on a service-account "label" selects nothing: service accounts are not pod labels',
  ),
  namespaceNameLabel: rule(
    'dns-namespace-name-label',
    'warning',
    'Namespaces have no `name` label by default; use kubernetes.io/metadata.name',
  ),
  invalidSelector: rule(
    'invalid-selector',
    'error',
    'A selector that does not parse (Calico) or is malformed (Kubernetes)',
  ),
  namespaceSelectorAsInternet: rule(
    'namespace-selector-as-internet',
    'warning',
    '`namespaceSelector: {}` matches pods in every namespace, not the internet',
  ),
  invalidCidr: rule('invalid-cidr', 'error', 'Not a valid CIDR'),
  exceptOutsideCidr: rule(
    'except-outside-cidr',
    'error',
    'ipBlock.except entries must lie strictly inside ipBlock.cidr',
  ),
  unknownAction: rule('unknown-action', 'error', 'Calico rule actions are Allow, Deny, Log and Pass'),
  ruleLevelPorts: rule(
    'rule-level-ports',
    'error',
    'Calico rules have no `ports`: ports go in destination.ports or source.ports',
  ),
  enterpriseOnly: rule(
    'enterprise-only-field',
    'error',
    'A field only Calico Enterprise / Calico Cloud have',
  ),
  portsNeedProtocol: rule(
    'ports-need-protocol',
    'error',
    'Calico rules with numeric ports need protocol TCP, UDP or SCTP',
  ),
  icmpNeedsProtocol: rule(
    'icmp-needs-icmp-protocol',
    'error',
    'icmp / notICMP match only with protocol ICMP or ICMPv6',
  ),
  ignoredRules: rule(
    'ignored-rules',
    'warning',
    'Rules for a direction the policy does not list in its policy types are ignored',
  ),
  udpOnlyDns: rule('dns-udp-only', 'warning', 'DNS allowed over UDP only; DNS also uses TCP port 53'),
  defaultDenyWithoutDns: rule(
    'default-deny-without-dns',
    'warning',
    'Egress denied by default with no rule that allows DNS in that namespace',
  ),
  networkSetUnlabeled: rule(
    'network-set-unlabeled',
    'warning',
    'A network set without labels: no selector can ever select it',
  ),
  networkSetUnselected: rule(
    'network-set-unselected',
    'warning',
    'No Calico policy in the files selects this network set',
  ),
  orderNotFinite: rule('order-not-finite', 'error', 'order is NaN or infinite, which no API server stores'),
  passInLastTier: rule(
    'pass-in-last-tier',
    'warning',
    'Pass in the last tier goes on to the namespace profile, which allows',
  ),
  installationEnforcement: rule(
    'installation-fields',
    'error',
    'Installation has no enforcement mode and is cluster-scoped',
  ),
  fluxKustomization: rule(
    'flux-kustomization-version',
    'error',
    'Flux Kustomization v1beta2 is removed; v1 requires spec.prune',
  ),
  prometheusRuleShape: rule(
    'prometheus-rule-file',
    'error',
    'Prometheus rule files are groups: [{name, rules: [...]}]',
  ),
  ciNeedsCluster: rule(
    'ci-needs-cluster',
    'warning',
    'A CI step that validates policies against a live API server',
  ),
  unknownMetric: rule('unknown-metric', 'error', 'A metric that open-source Calico does not export'),
  kustomizationDrift: rule(
    'kustomization-drift',
    'error',
    "The folder's kustomization.yaml leaves out a policy file (Flux would not deploy it) or lists a file that is gone",
  ),
} as const satisfies Record<string, RuleSpec>;

/** Every rule, the Calico API's own (calico-api/...) last. */
export const ALL_RULES: readonly RuleSpec[] = [...Object.values(RULES), ...API_RULE_SPECS];
