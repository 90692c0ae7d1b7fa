// Names and metadata: DNS-1123 names, the policy-name forms, tier names, and the labels and
// annotations every object carries. Regexes are built once at load time.
import { apiRule, isRecord, VALIDATOR, type Report } from './api-rule.js';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
// validator.go:61-82 (nameRegex, tierNameRegex, networkPolicyNameRegex, globalNetworkPolicyNameRegex).
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN}$`);
const LABEL_RE = new RegExp(`^${LABEL}$`);
const NETWORK_POLICY_NAME_RE = new RegExp(
  `^((${LABEL})(\\.${LABEL})?|((?:knp|ossg)\\.default\\.(${SUBDOMAIN})))$`,
);
const GLOBAL_POLICY_NAME_RE = new RegExp(`^(${LABEL}\\.)?${LABEL}$`);
// k8s.io/apimachinery/pkg/util/validation: IsQualifiedName and IsValidLabelValue.
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SUBDOMAIN_MAX = 253;
const LABEL_MAX = 63;
const ANNOTATIONS_MAX = 256 * 1024;

export const NAME_RULES = {
  nameTooLong: apiRule(
    'name-too-long',
    'name is longer than 253 characters',
    'shorten metadata.name',
    `${VALIDATOR}#L1711-L1720`,
  ),
  name: apiRule(
    'name',
    "name must consist of lower case alphanumeric characters, '-' or '.'",
    'use a DNS-1123 subdomain name such as allow-web.v2',
    `${VALIDATOR}#L1722-L1731`,
  ),
  policyName: apiRule(
    'policy-name',
    "a NetworkPolicy name is a DNS-1123 label with at most one '.' (or knp.default./ossg.default. and a subdomain)",
    'use lower case letters, digits and hyphens, e.g. allow-web or platform.allow-web',
    `${VALIDATOR}#L75-L78 (networkPolicyNameRegex), #L1880-L1889`,
  ),
  globalPolicyName: apiRule(
    'global-policy-name',
    "a GlobalNetworkPolicy name is a DNS-1123 label with at most one '.'",
    'use lower case letters, digits and hyphens, e.g. deny-all or security.deny-all',
    `${VALIDATOR}#L80-L82 (globalNetworkPolicyNameRegex), #L2101-L2110`,
  ),
  tierNameTooLong: apiRule(
    'tier-name-too-long',
    'a tier name is at most 63 characters (it must fit in a label)',
    'shorten the tier name',
    `${VALIDATOR}#L1742-L1751`,
  ),
  tierName: apiRule(
    'tier-name',
    "a tier name is a DNS-1123 label: lower case alphanumeric characters or '-', no '.'",
    'use lower case letters, digits and hyphens, e.g. security',
    `${VALIDATOR}#L1753-L1763`,
  ),
  labelKey: apiRule(
    'label-key',
    'a label key is a qualified name ([prefix/]name, name at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends)',
    'fix the label key',
    `${VALIDATOR}#L2231-L2241`,
  ),
  labelValue: apiRule(
    'label-value',
    'a label value is at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends (or empty)',
    'fix the label value',
    `${VALIDATOR}#L2242-L2251`,
  ),
  annotationKey: apiRule(
    'annotation-key',
    'an annotation key is a qualified name ([prefix/]name)',
    'fix the annotation key',
    `${VALIDATOR}#L2205-L2218`,
  ),
  annotationsTooLarge: apiRule(
    'annotations-too-large',
    'annotations total more than 256 KiB',
    'move large data out of annotations',
    `${VALIDATOR}#L2220-L2228`,
  ),
  reservedLabel: apiRule(
    'network-set-namespace-label',
    'projectcalico.org/namespace is not a valid label name on a network set',
    'remove the label: Calico adds the namespace itself',
    `${VALIDATOR}#L1940-L1972`,
  ),
} as const;

export function isSubdomainName(s: string): boolean {
  return s.length <= SUBDOMAIN_MAX && SUBDOMAIN_RE.test(s);
}

export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (!prefix || prefix.includes('/') || !isSubdomainName(prefix)) return false;
  }
  return name.length > 0 && name.length <= LABEL_MAX && QUALIFIED_NAME_RE.test(name);
}

export function isLabelValue(v: string): boolean {
  return v === '' || (v.length <= LABEL_MAX && QUALIFIED_NAME_RE.test(v));
}

export type NameForm = 'subdomain' | 'network-policy' | 'global-policy' | 'tier';

/** metadata.name in the form the kind requires; a missing name is the loader's and schema's to report. */
export function checkName(name: unknown, form: NameForm, report: Report): void {
  if (typeof name !== 'string' || name === '') return;
  const at = ['metadata', 'name'];
  const shown = `'${name}'`;
  if (form === 'tier') {
    if (name.length > LABEL_MAX) report(at, NAME_RULES.tierNameTooLong, shown);
    if (!LABEL_RE.test(name)) report(at, NAME_RULES.tierName, shown);
    return;
  }
  if (name.length > SUBDOMAIN_MAX) report(at, NAME_RULES.nameTooLong, shown);
  if (!SUBDOMAIN_RE.test(name)) report(at, NAME_RULES.name, shown);
  else if (form === 'network-policy' && !NETWORK_POLICY_NAME_RE.test(name))
    report(at, NAME_RULES.policyName, shown);
  else if (form === 'global-policy' && !GLOBAL_POLICY_NAME_RE.test(name))
    report(at, NAME_RULES.globalPolicyName, shown);
}

/** Annotation keys and total size; `base` is where the annotations mapping sits. */
export function checkAnnotations(value: unknown, base: (string | number)[], report: Report): void {
  if (!isRecord(value)) return;
  let total = 0;
  for (const [k, v] of Object.entries(value)) {
    if (!isQualifiedName(k.toLowerCase())) report([...base, k], NAME_RULES.annotationKey, `'${k}'`);
    total += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (total > ANNOTATIONS_MAX) report(base, NAME_RULES.annotationsTooLarge, `${total} bytes`);
}

export function checkMetadata(value: Record<string, unknown>, form: NameForm, report: Report): void {
  const meta = isRecord(value['metadata']) ? value['metadata'] : {};
  checkName(meta['name'], form, report);
  const labels = meta['labels'];
  if (isRecord(labels)) {
    for (const [k, v] of Object.entries(labels)) {
      if (!isQualifiedName(k)) report(['metadata', 'labels', k], NAME_RULES.labelKey, `'${k}'`);
      if (typeof v === 'string' && !isLabelValue(v))
        report(['metadata', 'labels', k], NAME_RULES.labelValue, `'${v}'`);
    }
  }
  checkAnnotations(meta['annotations'], ['metadata', 'annotations'], report);
}

/** NetworkSet and GlobalNetworkSet may not carry the namespace label Calico adds internally. */
export function checkNetworkSetLabels(value: Record<string, unknown>, report: Report): void {
  const meta = isRecord(value['metadata']) ? value['metadata'] : {};
  const labels = meta['labels'];
  if (isRecord(labels) && 'projectcalico.org/namespace' in labels)
    report(['metadata', 'labels', 'projectcalico.org/namespace'], NAME_RULES.reservedLabel);
}
