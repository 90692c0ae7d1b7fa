// A rule's source or destination (EntityRule): selectors, nets, ports, service accounts and services.
import { apiRule, isRecord, VALIDATOR, type Path, type Report } from './api-rule.js';
import { isSubdomainName } from './names.js';
import { checkRuleNets, type NetsScan } from './nets.js';
import { checkPortList } from './ports.js';
import type { ProtocolValue } from './protocol.js';
import { checkGlobalAlone, checkNoGlobal, checkSelector } from './selectors.js';

export const ENTITY_RULES = {
  serviceName: apiRule(
    'service-name',
    'services must specify a service name',
    'add services.name (and services.namespace)',
    `${VALIDATOR}#L1477-L1482`,
  ),
  serviceNameFormat: apiRule(
    'service-name-format',
    'services name and namespace are DNS-1123 subdomain names',
    'use the Service’s metadata.name and metadata.namespace',
    'api/pkg/apis/projectcalico/v3/policy_common.go#L213, #L217 (validate:"name")',
  ),
  servicesWithNamespaceSelector: apiRule(
    'services-with-namespace-selector',
    'cannot specify NamespaceSelector and Services on the same rule',
    'name the Service’s namespace in services.namespace instead',
    `${VALIDATOR}#L1484-L1488`,
  ),
  servicesWithSelector: apiRule(
    'services-with-selector',
    'cannot specify Selector/NotSelector and Services on the same rule',
    'write two rules: one matching the Service, one matching the selector',
    `${VALIDATOR}#L1489-L1492`,
  ),
  servicesWithServiceAccounts: apiRule(
    'services-with-service-accounts',
    'cannot specify ServiceAccounts and Services on the same rule',
    'write two rules: one matching the Service, one matching the service accounts',
    `${VALIDATOR}#L1493-L1496`,
  ),
  servicesWithNets: apiRule(
    'services-with-nets',
    'cannot specify Nets/NotNets and Services on the same rule',
    'service rules use the addresses of the Service’s endpoints: remove nets/notNets',
    `${VALIDATOR}#L1497-L1502`,
  ),
} as const;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

export function checkEntity(
  value: Record<string, unknown>,
  rule: Path,
  side: 'source' | 'destination',
  protocol: ProtocolValue | undefined,
  protocolGiven: boolean,
  ipVersion: unknown,
  scan: NetsScan,
  report: Report,
): void {
  const at = [...rule, side];
  if (value['selector'] !== undefined) {
    checkSelector(value['selector'], at, 'selector', report);
    checkNoGlobal(value['selector'], at, 'selector', report);
  }
  if (value['notSelector'] !== undefined) checkSelector(value['notSelector'], at, 'notSelector', report);
  if (value['namespaceSelector'] !== undefined) {
    checkSelector(value['namespaceSelector'], at, 'namespaceSelector', report);
    checkGlobalAlone(value['namespaceSelector'], at, 'namespaceSelector', report);
  }
  checkRuleNets(value['nets'], at, 'nets', ipVersion, scan, report);
  checkRuleNets(value['notNets'], at, 'notNets', ipVersion, scan, report);
  checkPortList(value['ports'], at, 'ports', protocol, protocolGiven, report);
  checkPortList(value['notPorts'], at, 'notPorts', protocol, protocolGiven, report);
  const sa = value['serviceAccounts'];
  if (isRecord(sa)) checkSelector(sa['selector'], [...at, 'serviceAccounts'], 'selector', report);
  const services = value['services'];
  if (services === undefined || services === null) return;
  const svc = isRecord(services) ? services : {};
  const where = [...at, 'services'];
  if (!present(svc['name'])) report(where, ENTITY_RULES.serviceName);
  for (const key of ['name', 'namespace'])
    if (typeof svc[key] === 'string' && svc[key] !== '' && !isSubdomainName(svc[key]))
      report([...where, key], ENTITY_RULES.serviceNameFormat, `'${svc[key]}'`);
  if (present(value['namespaceSelector'])) report(where, ENTITY_RULES.servicesWithNamespaceSelector);
  if (present(value['selector']) || present(value['notSelector']))
    report(where, ENTITY_RULES.servicesWithSelector);
  if (present(sa)) report(where, ENTITY_RULES.servicesWithServiceAccounts);
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  if (nonEmpty(value['nets']) || nonEmpty(value['notNets'])) report(where, ENTITY_RULES.servicesWithNets);
}
