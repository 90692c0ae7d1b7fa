// The projectcalico.org/v3 API server's own validation as a table: objects it refuses (with the rule
// and field) and objects it accepts, each citing the upstream line it ports or the upstream test it
// mirrors. Shared by the unit test and the opt-in test against the real calicoctl. Upstream is
// projectcalico/calico at tag v3.32.1 (commit 0ca9d1b93644778cafdf1812f3dda02ac0c361e8):
//   V = libcalico-go/lib/validator/v3/validator.go
//   T = libcalico-go/lib/validator/v3/validator_test.go
//   A = api/pkg/apis/projectcalico/v3/

export type Obj = Record<string, unknown>;
const V3 = 'projectcalico.org/v3';

const obj = (kind: string, spec: Obj, meta: Obj = {}): Obj => ({
  apiVersion: V3,
  kind,
  metadata: {
    name: 'p',
    ...(kind.includes('Global') || kind === 'Tier' ? {} : { namespace: 'default' }),
    ...meta,
  },
  spec,
});
const np = (spec: Obj, meta?: Obj) => obj('NetworkPolicy', spec, meta);
const gnp = (spec: Obj, meta?: Obj) => obj('GlobalNetworkPolicy', spec, meta);
const ingress = (rule: Obj) => gnp({ ingress: [rule] });
const egress = (rule: Obj) => np({ egress: [rule] });
const named = (kind: string, name: string) => obj(kind, {}, { name });
const tier = (name: string, spec: Obj) => obj('Tier', spec, { name });
const allow = (r: Obj): Obj => ({ action: 'Allow', ...r });
const svc = { name: 'api', namespace: 'shop' };
const long = (n: number) => 'a'.repeat(n);
const R = 'spec.ingress[0]';
const E = 'spec.egress[0]';

/** [rule id the API refuses it by, field it is reported at, upstream citation, object]. */
export type Refused = [string, string, string, Obj];

export const REFUSED: Refused[] = [
  // Names and metadata.
  ['name-too-long', 'metadata.name', 'T#L686 (254 chars); V#L1711-L1720', named('NetworkSet', long(254))],
  ['name', 'metadata.name', 'T#L486 (test$set); V#L1722-L1731', named('NetworkSet', 'test$set')],
  ['name', 'metadata.name', 'T#L2317 (tHiNg, mixed case)', named('GlobalNetworkPolicy', 'tHiNg')],
  ['policy-name', 'metadata.name', 'T#L2836 (t.h.i.ng); V#L75-L78', named('NetworkPolicy', 't.h.i.ng')],
  ['policy-name', 'metadata.name', 'T#L2901 (staged, t.h.i.ng)', named('StagedNetworkPolicy', 't.h.i.ng')],
  [
    'global-policy-name',
    'metadata.name',
    'T#L2319 (knp.default.thing); V#L80-L82',
    named('GlobalNetworkPolicy', 'knp.default.thing'),
  ],
  ['global-policy-name', 'metadata.name', 'T#L2320 (t.h.i.ng)', named('GlobalNetworkPolicy', 't.h.i.ng')],
  [
    'global-policy-name',
    'metadata.name',
    'T#L2661 (staged, t.h.i.ng)',
    named('StagedGlobalNetworkPolicy', 't.h.i.ng'),
  ],
  ['tier-name-too-long', 'metadata.name', 'T#L2752 (64 chars); V#L1742-L1751', tier(long(64), {})],
  ['tier-name', 'metadata.name', 'T#L2740 (dot in name); V#L1753-L1763', tier('a.b', {})],
  [
    'label-key',
    'metadata.labels.my!nvalid-label',
    'T#L576 (! in a key); V#L2231-L2241',
    np({}, { labels: { 'my!nvalid-label': 'v' } }),
  ],
  [
    'label-value',
    'metadata.labels.a',
    'T#L590 (value of 64 chars); V#L2242-L2251',
    np({}, { labels: { a: long(64) } }),
  ],
  [
    'annotation-key',
    'metadata.annotations.my!key',
    'T#L623; V#L2205-L2218',
    np({}, { annotations: { 'my!key': 'v' } }),
  ],
  [
    'annotations-too-large',
    'metadata.annotations',
    'T#L667 (> 256k); V#L2220-L2228',
    np({}, { annotations: { a: long(256 * 1024) } }),
  ],
  [
    'network-set-namespace-label',
    'metadata.labels.projectcalico.org/namespace',
    'T#L472; V#L1940-L1955',
    obj('NetworkSet', {}, { labels: { 'projectcalico.org/namespace': 'foo' } }),
  ],
  [
    'network-set-namespace-label',
    'metadata.labels.projectcalico.org/namespace',
    'T#L414; V#L1957-L1972',
    obj('GlobalNetworkSet', {}, { labels: { 'projectcalico.org/namespace': 'foo' } }),
  ],

  // Policy spec.
  ['tier-field', 'spec.tier', 'A/networkpolicy.go#L57 (validate:"name")', np({ tier: 'Security_Tier' })],
  ['policy-type', 'spec.types[0]', 'T#L2887 (unexpected value); V#L648-L655', np({ types: ['ingress'] })],
  ['policy-type-repeated', 'spec.types[1]', 'T#L2879; V#L1806-L1814', np({ types: ['Egress', 'Egress'] })],
  [
    'policy-type-repeated',
    'spec.types[1]',
    'T#L2476 (gnp); V#L1999-L2007',
    gnp({ types: ['Egress', 'Egress'] }),
  ],
  [
    'namespaced-policy-field',
    'spec.namespaceSelector',
    'A/networkpolicy.go#L50-L134: NetworkPolicySpec has no namespaceSelector',
    np({ namespaceSelector: 'team == "a"' }),
  ],
  [
    'namespaced-policy-field',
    'spec.doNotTrack',
    'A/networkpolicy.go#L50-L134: nor doNotTrack',
    np({ doNotTrack: true }),
  ],
  [
    'prednat-and-donottrack',
    'spec.preDNAT',
    'T#L2321; V#L1975-L1978',
    gnp({ preDNAT: true, doNotTrack: true, applyOnForward: true }),
  ],
  [
    'prednat-egress-rules',
    'spec.egress',
    'V#L1980-L1983',
    gnp({ preDNAT: true, applyOnForward: true, egress: [{ action: 'Allow' }] }),
  ],
  [
    'prednat-egress-type',
    'spec.types',
    'T#L2557; V#L1985-L1992',
    gnp({ preDNAT: true, applyOnForward: true, types: ['Ingress', 'Egress'] }),
  ],
  ['apply-on-forward', 'spec.applyOnForward', 'T#L2418 (preDNAT); V#L1994-L1997', gnp({ preDNAT: true })],
  ['apply-on-forward', 'spec.applyOnForward', 'T#L2427 (doNotTrack)', gnp({ doNotTrack: true })],
  [
    'performance-hints',
    'spec.performanceHints',
    'T#L3085 (junk); A/networkpolicy.go#L133',
    np({ performanceHints: ['Junk'] }),
  ],
  [
    'performance-hints',
    'spec.performanceHints',
    'T#L3128 (dupes, gnp)',
    gnp({ performanceHints: ['AssumeNeededOnEveryNode', 'AssumeNeededOnEveryNode'] }),
  ],

  // Rules.
  ['action', `${R}.action`, 'V#L93 (actionRegex, case-sensitive), #L342-L346', ingress({ action: 'allow' })],
  ['action', `${R}.action`, 'A/policy_common.go#L41: action is required', ingress({ protocol: 'TCP' })],
  [
    'http-protocol',
    `${R}.protocol`,
    'T#L1739; V#L1370-L1375',
    ingress(allow({ protocol: 'UDP', http: { methods: ['GET'] } })),
  ],
  [
    'http-protocol',
    `${R}.protocol`,
    'V#L1372: compared with the name TCP, so 6 is refused',
    ingress(allow({ protocol: 6, http: { methods: ['GET'] } })),
  ],
  [
    'http-only-allow',
    `${R}.http`,
    'T#L1734; V#L1439-L1443',
    ingress({ action: 'Deny', http: { methods: ['GET'] } }),
  ],
  ['http-in-egress', `${E}.http`, 'T#L3060; V#L1826-L1830', egress(allow({ http: { methods: ['GET'] } }))],
  [
    'services-with-ports',
    `${E}.destination.ports`,
    'T#L3250; V#L1445-L1450',
    egress(allow({ protocol: 'TCP', destination: { services: svc, ports: [80] } })),
  ],
  [
    'services-with-ports',
    `${E}.destination.notPorts`,
    'T#L3271; V#L1451-L1454',
    egress(allow({ protocol: 'TCP', destination: { services: svc, notPorts: [80] } })),
  ],
  [
    'services-in-egress-source',
    `${E}.source.services`,
    'T#L3175; V#L1817-L1824',
    egress(allow({ source: { services: svc } })),
  ],
  [
    'services-in-ingress-destination',
    'spec.ingress[0].destination.services',
    'T#L3211; V#L1833-L1840',
    np({ ingress: [allow({ destination: { services: svc } })] }),
  ],
  [
    'services-need-namespace',
    'spec.egress[0].destination.services',
    'T#L3449; V#L2035-L2045',
    gnp({ egress: [allow({ destination: { services: { name: 'api' } } })] }),
  ],

  // Protocols, ICMP, ipVersion.
  ['protocol', `${R}.protocol`, 'T#L841 (tcp, lower case); V#L657-L674', ingress(allow({ protocol: 'tcp' }))],
  ['protocol', `${R}.protocol`, 'T#L836 (0 as int)', ingress(allow({ protocol: 0 }))],
  ['protocol', `${R}.protocol`, 'T#L837 (256 as string)', ingress(allow({ protocol: '256' }))],
  ['protocol', `${R}.protocol`, 'T#L839 (tcpfoo)', ingress(allow({ protocol: 'tcpfoo' }))],
  [
    'protocol',
    `${R}.notProtocol`,
    'V#L275 (every numorstring.Protocol, notProtocol too)',
    ingress(allow({ notProtocol: 'Foo' })),
  ],
  ['ip-version', `${R}.ipVersion`, 'V#L475-L479; A/policy_common.go#L47', ingress(allow({ ipVersion: 5 }))],
  [
    'icmp-type',
    `${R}.icmp.type`,
    'T#L1335 (255); A/policy_common.go#L120',
    ingress(allow({ protocol: 'ICMP', icmp: { type: 255 } })),
  ],
  [
    'icmp-code',
    `${R}.icmp.code`,
    'T#L1336 (256); A/policy_common.go#L128',
    ingress(allow({ protocol: 'ICMP', icmp: { type: 128, code: 256 } })),
  ],
  [
    'icmp-code-without-type',
    `${R}.icmp.code`,
    'T#L1334; V#L1316-L1324',
    ingress(allow({ protocol: 'ICMP', icmp: { code: 0 } })),
  ],
  [
    'icmp-code-without-type',
    `${R}.notICMP.code`,
    'V#L1316-L1324 (every ICMPFields)',
    ingress(allow({ protocol: 'ICMP', notICMP: { code: 0 } })),
  ],
  ['icmp-needs-protocol', `${R}.icmp`, 'T#L1474; V#L1377-L1382', ingress(allow({ icmp: { type: 8 } }))],
  [
    'icmp-needs-protocol',
    `${R}.icmp`,
    'V#L1377-L1381: compared with the name ICMP, so 1 is refused',
    ingress(allow({ protocol: 1, icmp: { type: 8 } })),
  ],
  [
    'icmp-ip-version',
    `${R}.ipVersion`,
    'T#L1498; V#L1384-L1389',
    ingress(allow({ protocol: 'ICMP', ipVersion: 6 })),
  ],
  [
    'icmp-ip-version',
    `${R}.ipVersion`,
    'V#L1384 (notProtocol ICMP too)',
    ingress(allow({ notProtocol: 'ICMP', ipVersion: 6 })),
  ],
  [
    'icmpv6-ip-version',
    `${R}.ipVersion`,
    'T#L1504, #L1717; V#L1390-L1394',
    ingress(allow({ protocol: 'ICMPv6', ipVersion: 4 })),
  ],

  // Ports.
  [
    'port',
    `${R}.destination.ports[0]`,
    'T#L1577 (200:100); V#L938-L943',
    ingress(allow({ protocol: 'TCP', destination: { ports: ['200:100'] } })),
  ],
  [
    'port',
    `${R}.destination.ports[0]`,
    'T#L1593 (MinPort 0); V#L949-L953',
    ingress(allow({ protocol: 'TCP', destination: { ports: [0] } })),
  ],
  [
    'port',
    `${R}.source.notPorts[0]`,
    'numorstring/port.go#L67-L76 (above 65535)',
    ingress(allow({ protocol: 'TCP', source: { notPorts: ['70000'] } })),
  ],
  [
    'port-name',
    `${R}.destination.ports[0]`,
    'V#L459-L463 (IsValidPortName: lower case)',
    ingress(allow({ destination: { ports: ['HTTP'] } })),
  ],
  [
    'port-name',
    `${R}.destination.ports[0]`,
    'V#L459-L463 (at most 15 characters)',
    ingress(allow({ destination: { ports: ['a-very-long-port-name'] } })),
  ],
  [
    'ports-need-protocol',
    `${R}.destination.ports`,
    'T#L1408; V#L1330-L1347',
    ingress(allow({ destination: { ports: [80] } })),
  ],
  [
    'ports-need-protocol',
    `${R}.source.ports`,
    'V#L1331-L1334 (a range is numeric)',
    ingress(allow({ source: { ports: ['http', '1000:2000'] } })),
  ],
  [
    'ports-need-port-protocol',
    `${R}.source.ports`,
    'T#L1528 (protocol 7); V#L1348-L1367',
    ingress(allow({ protocol: 7, source: { ports: [1] } })),
  ],
  [
    'ports-need-port-protocol',
    `${R}.destination.notPorts`,
    'T#L1552 (ICMP)',
    ingress(allow({ protocol: 'ICMP', destination: { notPorts: [1] } })),
  ],
  [
    'ports-need-port-protocol',
    `${R}.destination.ports`,
    'numorstring/protocol.go SupportsPorts: UDPLite has none',
    ingress(allow({ protocol: 'UDPLite', destination: { ports: [53] } })),
  ],
  [
    'ports-need-port-protocol',
    `${R}.destination.notPorts`,
    'T#L1449 (named port, unknown protocol)',
    ingress(allow({ protocol: 'ICMP', destination: { notPorts: ['foo'] } })),
  ],

  // Nets.
  [
    'cidr',
    `${R}.source.nets[0]`,
    'V#L1400-L1406 (scanNets)',
    ingress(allow({ source: { nets: ['garbage'] } })),
  ],
  [
    'cidr',
    `${R}.source.nets[0]`,
    'V#L1401 (cnet.ParseCIDR needs a prefix length)',
    ingress(allow({ source: { nets: ['10.0.0.1'] } })),
  ],
  [
    'cidr',
    `${R}.destination.nets[0]`,
    'V#L1401 (Go refuses leading zeros)',
    ingress(allow({ destination: { nets: ['010.0.0.0/8'] } })),
  ],
  [
    'cidr-host-bits',
    `${R}.destination.notNets[0]`,
    'A/policy_common.go#L195 (dive,net); V#L726-L738',
    ingress(allow({ destination: { notNets: ['10.0.0.1/8'] } })),
  ],
  [
    'catch-all-not-nets',
    `${R}.destination.notNets[0]`,
    'T#L3824; V#L1409-L1418',
    ingress(allow({ destination: { notNets: ['0.0.0.0/0'] } })),
  ],
  [
    'catch-all-not-nets',
    `${R}.source.notNets[0]`,
    'V#L1412-L1414 (::/0)',
    ingress(allow({ source: { notNets: ['::/0'] } })),
  ],
  [
    'catch-all-not-nets',
    `${R}.source.notNets[0]`,
    'T#L3839 (::0/0)',
    ingress(allow({ source: { notNets: ['::0/0'] } })),
  ],
  [
    'catch-all-not-nets',
    `${R}.source.notNets[0]`,
    'T#L3854 (0:0:0::/0)',
    ingress(allow({ source: { notNets: ['0:0:0::/0'] } })),
  ],
  [
    'nets-ip-version',
    `${R}.source.nets`,
    'T#L1635; V#L1421-L1424',
    ingress(allow({ ipVersion: 6, source: { nets: ['1.2.3.4/32'] } })),
  ],
  [
    'nets-ip-version',
    `${R}.destination.nets`,
    'T#L1644',
    ingress(allow({ ipVersion: 4, destination: { nets: ['2001:db8::/32'] } })),
  ],
  [
    'nets-mixed-families',
    `${R}.destination.nets`,
    'T#L1601; V#L1425-L1431',
    ingress(allow({ source: { nets: ['1.2.3.0/26'] }, destination: { nets: ['2001:db8::/64'] } })),
  ],
  [
    'nets-mixed-families',
    `${R}.source.nets`,
    'V#L1425 (one list)',
    ingress(allow({ source: { nets: ['1.2.3.0/26', '2001:db8::/64'] } })),
  ],
  [
    'network-set-cidr',
    'spec.nets[0]',
    'T#L450; A/networkset.go#L51',
    obj('NetworkSet', { nets: ['garbage'] }),
  ],
  [
    'network-set-cidr',
    'spec.nets[0]',
    'T#L392; A/globalnetworkset.go#L54',
    obj('GlobalNetworkSet', { nets: ['10.0.0.0/33'] }),
  ],

  // Entity rules: services, selectors.
  [
    'service-name',
    `${E}.destination.services`,
    'V#L1477-L1482',
    egress(allow({ destination: { services: { namespace: 'shop' } } })),
  ],
  [
    'service-name-format',
    `${E}.destination.services.name`,
    'A/policy_common.go#L213',
    egress(allow({ destination: { services: { name: 'Api_Svc' } } })),
  ],
  [
    'services-with-namespace-selector',
    `${E}.destination.services`,
    'T#L3412; V#L1484-L1488',
    egress(allow({ destination: { services: svc, namespaceSelector: 'all()' } })),
  ],
  [
    'services-with-selector',
    `${E}.destination.services`,
    'T#L3374; V#L1489-L1492',
    egress(allow({ destination: { services: svc, selector: 'app == "a"' } })),
  ],
  [
    'services-with-selector',
    `${E}.destination.services`,
    'T#L3393 (notSelector)',
    egress(allow({ destination: { services: svc, notSelector: 'app == "a"' } })),
  ],
  [
    'services-with-service-accounts',
    `${E}.destination.services`,
    'T#L3229; V#L1493-L1496',
    egress(allow({ destination: { services: svc, serviceAccounts: { names: ['x'] } } })),
  ],
  [
    'services-with-nets',
    `${E}.destination.services`,
    'T#L3336; V#L1497-L1502',
    egress(allow({ destination: { services: svc, nets: ['10.0.0.0/8'] } })),
  ],
  [
    'services-with-nets',
    `${E}.destination.services`,
    'T#L3355 (notNets)',
    egress(allow({ destination: { services: svc, notNets: ['10.0.0.0/8'] } })),
  ],
  ['selector', 'spec.selector', 'T#L570 (thing=hello &); V#L616-L627', np({ selector: 'thing=hello &' })],
  [
    'selector',
    `${R}.source.notSelector`,
    'T#L3508; A/policy_common.go#L199',
    ingress(allow({ source: { notSelector: 'a ==' } })),
  ],
  [
    'selector',
    `${R}.source.serviceAccounts.selector`,
    'A/policy_common.go#L229',
    ingress(allow({ source: { serviceAccounts: { selector: '((' } } })),
  ],
  ['global-selector-placement', 'spec.selector', 'T#L3069; V#L1842-L1850', np({ selector: 'global()' })],
  [
    'global-selector-placement',
    'spec.serviceAccountSelector',
    'T#L2602; V#L2064-L2071',
    gnp({ serviceAccountSelector: 'global()' }),
  ],
  [
    'global-selector-placement',
    'spec.namespaceSelector',
    'T#L2586; V#L2073-L2081',
    gnp({ namespaceSelector: 'global()' }),
  ],
  [
    'global-selector-placement',
    `${R}.source.selector`,
    'T#L2610, #L3488; V#L1457-L1462',
    ingress(allow({ source: { selector: 'global()' } })),
  ],
  [
    'global-selector-alone',
    `${R}.source.namespaceSelector`,
    'T#L3498 (AND); V#L1464-L1475',
    ingress(allow({ source: { namespaceSelector: 'global() && a == "b"' } })),
  ],
  [
    'global-selector-alone',
    `${R}.source.namespaceSelector`,
    'T#L3503 (OR)',
    ingress(allow({ source: { namespaceSelector: 'global() || a == "b"' } })),
  ],

  // HTTP.
  [
    'http-methods',
    `${R}.http.methods`,
    'T#L3541; V#L892-L899',
    ingress(allow({ http: { methods: ['GET', 'GET'] } })),
  ],
  [
    'http-path-exact-and-prefix',
    `${R}.http.paths`,
    'T#L3517; V#L904-L906',
    ingress(allow({ http: { paths: [{ exact: '/a', prefix: '/a' }] } })),
  ],
  ['http-path-empty', `${R}.http.paths`, 'T#L3537; V#L911-L913', ingress(allow({ http: { paths: [{}] } }))],
  [
    'http-path-form',
    `${R}.http.paths`,
    'T#L3521; V#L914-L918 (no leading /)',
    ingress(allow({ http: { paths: [{ exact: 'foo' }] } })),
  ],
  [
    'http-path-form',
    `${R}.http.paths`,
    'V#L916 (? in path)',
    ingress(allow({ http: { paths: [{ prefix: '/foo?x=1' }] } })),
  ],
  [
    'annotation-key',
    `${R}.metadata.annotations.my!key`,
    'T#L1761; V#L2254-L2257',
    ingress(allow({ metadata: { annotations: { 'my!key': 'v' } } })),
  ],

  // Staged kinds.
  [
    'staged-action',
    'spec.stagedAction',
    'T#L2965 (Warning); V#L493-L497',
    obj('StagedNetworkPolicy', { stagedAction: 'Warning' }),
  ],
  [
    'staged-action',
    'spec.stagedAction',
    'T#L2700',
    obj('StagedGlobalNetworkPolicy', { stagedAction: 'Warning' }),
  ],
  [
    'staged-delete-with-spec',
    'spec.selector',
    'T#L2956; V#L1927-L1935',
    obj('StagedNetworkPolicy', { stagedAction: 'Delete', selector: 'app == "a"' }),
  ],
  [
    'staged-delete-with-spec',
    'spec.order',
    'T#L2691; V#L2148-L2156',
    obj('StagedGlobalNetworkPolicy', { stagedAction: 'Delete', order: 10 }),
  ],
  [
    'staged-delete-with-spec',
    'spec.podSelector',
    'V#L2178-L2186 (StagedKubernetesNetworkPolicy)',
    obj('StagedKubernetesNetworkPolicy', {
      stagedAction: 'Delete',
      podSelector: { matchLabels: { a: 'b' } },
    }),
  ],
  [
    'ip-version',
    `${R}.ipVersion`,
    'V#L2157 (a staged Set is validated as its policy)',
    obj('StagedGlobalNetworkPolicy', { stagedAction: 'Set', ingress: [allow({ ipVersion: 5 })] }),
  ],

  // Tiers.
  [
    'tier-fixed-order',
    'spec.order',
    'T#L2764; V#L1766-L1776; A/tier.go#L49',
    tier('default', { order: 100, defaultAction: 'Deny' }),
  ],
  [
    'tier-fixed-order',
    'spec.order',
    'T#L2785; V#L1778-L1788; A/tier.go#L48',
    tier('kube-admin', { order: 100, defaultAction: 'Pass' }),
  ],
  [
    'tier-fixed-order',
    'spec.order',
    'T#L2806; V#L1790-L1800; A/tier.go#L50',
    tier('kube-baseline', { defaultAction: 'Pass' }),
  ],
  [
    'tier-fixed-default-action',
    'spec.defaultAction',
    'T#L2771; A/tier.go#L39',
    tier('default', { order: 1_000_000, defaultAction: 'Pass' }),
  ],
  [
    'tier-fixed-default-action',
    'spec.defaultAction',
    'T#L2792; A/tier.go#L37',
    tier('kube-admin', { order: 1000, defaultAction: 'Deny' }),
  ],
  [
    'tier-fixed-default-action',
    'spec.defaultAction',
    'A/tier.go#L38, #L74 (unset defaults to Deny)',
    tier('kube-baseline', { order: 10_000_000 }),
  ],
  [
    'tier-default-action',
    'spec.defaultAction',
    'A/tier.go#L76 (oneof=Deny Pass)',
    tier('platform', { order: 100, defaultAction: 'Allow' }),
  ],
];

/** [upstream citation, object]: valid input the API accepts, and so must picocal. */
export const ACCEPTED: [string, Obj][] = [
  ['T#L2835 (thing)', named('NetworkPolicy', 'thing')],
  ['T#L2995 (th.ing: tier-style single dot; 3.32 requires no tier prefix)', named('NetworkPolicy', 'th.ing')],
  ['T#L2840 (knp.default.thing)', named('NetworkPolicy', 'knp.default.thing')],
  ['T#L2838 (253 chars)', named('NetworkPolicy', long(253))],
  ['V#L80-L82 (a single dot)', named('GlobalNetworkPolicy', 'security.deny-all')],
  ['T#L2746 (tier name of 63 chars)', tier(long(63), {})],
  ['T#L2778', tier('default', { order: 1_000_000, defaultAction: 'Deny' })],
  ['A/tier.go#L74 (default tier, defaultAction unset is Deny)', tier('default', { order: 1_000_000 })],
  ['T#L2799', tier('kube-admin', { order: 1000, defaultAction: 'Pass' })],
  ['T#L2820', tier('kube-baseline', { order: 10_000_000, defaultAction: 'Pass' })],
  ['T#L2827', tier('platform', { order: 100 })],
  ['T#L612 (upper case label name)', np({}, { labels: { 'example.com/MyLabel': 'Value_1' } })],
  [
    'T#L2331 / #L2390 (preDNAT with applyOnForward)',
    gnp({ preDNAT: true, applyOnForward: true, ingress: [{ action: 'Deny' }] }),
  ],
  ['T#L2399 (doNotTrack with applyOnForward)', gnp({ doNotTrack: true, applyOnForward: true })],
  ['T#L2547 (ingress type with preDNAT)', gnp({ preDNAT: true, applyOnForward: true, types: ['Ingress'] })],
  ['T#L2468 (ingress+egress types)', np({ types: ['Ingress', 'Egress'] })],
  [
    'T#L3006 (types without matching rules is no API error)',
    np({ types: ['Egress'], ingress: [{ action: 'Allow' }] }),
  ],
  [
    'T#L831-L835 (UDPLite, 255, "1")',
    np({ ingress: [allow({ protocol: 'UDPLite' }), allow({ protocol: 255 }), allow({ notProtocol: '1' })] }),
  ],
  [
    'T#L1329-L1333 (ICMP type and code bounds)',
    ingress(allow({ protocol: 'ICMP', icmp: { type: 254 }, notICMP: { type: 0, code: 255 } })),
  ],
  [
    'T#L1510 (ICMP with ipVersion 4)',
    ingress(allow({ protocol: 'ICMP', ipVersion: 4, icmp: { type: 8, code: 0 } })),
  ],
  ['V#L1377: only icmp needs an ICMP protocol, not notICMP', ingress(allow({ notICMP: { type: 8 } }))],
  ['T#L1344 (ports with protocol 6)', ingress(allow({ protocol: 6, source: { ports: [1] } }))],
  ['T#L1384 (notPorts with protocol 17)', ingress(allow({ protocol: 17, source: { notPorts: [1] } }))],
  [
    'T#L1544 (SCTP ports)',
    ingress(allow({ protocol: 'SCTP', destination: { ports: [1, '1000:2000', '65535'] } })),
  ],
  [
    'T#L1415, #L1422 (named ports need no protocol)',
    ingress(allow({ destination: { ports: ['http'] }, source: { notPorts: ['metrics'] } })),
  ],
  [
    'T#L1601-L1720 (one family, masked)',
    ingress(
      allow({ ipVersion: 4, source: { nets: ['1.2.3.0/26'] }, destination: { notNets: ['1.2.0.0/32'] } }),
    ),
  ],
  [
    'T#L439 (network set: CIDRs and bare IPs)',
    obj('NetworkSet', { nets: ['10.0.0.1', '11.0.0.0/8', 'dead:beef::', 'dead:beef::/96'] }),
  ],
  ['T#L3157 (service in egress destination)', egress(allow({ destination: { services: svc } }))],
  [
    'T#L3193, #L3292 (service in ingress source, with source ports)',
    np({ ingress: [allow({ protocol: 'TCP', source: { services: svc, ports: [80] } })] }),
  ],
  ['T#L3431 (service with namespace on a GNP)', gnp({ egress: [allow({ destination: { services: svc } })] })],
  [
    'T#L2625, #L3493 (global() alone in a namespaceSelector)',
    ingress(
      allow({ source: { namespaceSelector: 'global()' }, destination: { namespaceSelector: ' global( ) ' } }),
    ),
  ],
  ['T#L566-L569 (selectors)', ingress(allow({ source: { selector: 'has(calico/k8s_NS-.1/role)' } }))],
  [
    'T#L1729, #L1745, #L3513 (HTTP on an Allow ingress rule, TCP)',
    ingress(
      allow({
        protocol: 'TCP',
        http: { methods: ['GET', 'PUT'], paths: [{ exact: '/a' }, { prefix: '/b' }] },
      }),
    ),
  ],
  ['T#L1751 (HTTP without protocol)', ingress(allow({ http: { methods: ['GET'] } }))],
  [
    'T#L2947 (staged Delete with its tier only)',
    obj('StagedNetworkPolicy', { stagedAction: 'Delete', tier: 'security' }),
  ],
  ['T#L2974 (empty stagedAction)', obj('StagedNetworkPolicy', { stagedAction: '', selector: 'all()' })],
  ['V#L144-L145 (Learn and Ignore are values)', obj('StagedGlobalNetworkPolicy', { stagedAction: 'Learn' })],
  [
    'V#L2178 (a Kubernetes staged Delete with an empty podSelector)',
    obj('StagedKubernetesNetworkPolicy', { stagedAction: 'Delete', podSelector: {} }),
  ],
  ['T#L3101 negative (one hint)', np({ performanceHints: ['AssumeNeededOnEveryNode'] })],
];
