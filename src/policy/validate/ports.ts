// Port lists of an entity rule (ports, notPorts), as numorstring.Port decodes them, and which
// protocols may carry them.
import { apiRule, NUMORSTRING, VALIDATOR, type Path, type Report } from './api-rule.js';
import { supportsPorts, type ProtocolValue } from './protocol.js';

const DIGITS = /^\d+$/;
const RANGE = /^(\d+):(\d+)$/;
// k8s.io/apimachinery validation.IsValidPortName: IANA service names.
const PORT_NAME = /^[-a-z0-9]+$/;
const HAS_LETTER = /[a-z]/;

export const PORT_RULES = {
  port: apiRule(
    'port',
    'port range invalid, port number must be between 1 and 65535',
    'use 1-65535, or a range "low:high" with low <= high',
    `${VALIDATOR}#L934-L957 (validatePort); ${NUMORSTRING}/port.go#L67-L93`,
  ),
  portName: apiRule(
    'port-name',
    'a named port is at most 15 lower case letters, digits and single inner hyphens, with at least one letter',
    'use the name of a containerPort (e.g. http), or a number',
    `${VALIDATOR}#L459-L463 (validatePortName, k8s IsValidPortName)`,
  ),
  numericPortsNeedProtocol: apiRule(
    'ports-need-protocol',
    'rules with numeric port or port range must set protocol to TCP or UDP or SCTP',
    'add protocol: TCP (or UDP, SCTP) to the rule',
    `${VALIDATOR}#L1330-L1347`,
  ),
  portsNeedPortProtocol: apiRule(
    'ports-need-port-protocol',
    'rules that specify ports must set protocol to TCP or UDP or SCTP',
    'remove the ports, or use protocol TCP, UDP or SCTP (UDPLite has no ports in Calico)',
    `${VALIDATOR}#L1348-L1367; ${NUMORSTRING}/protocol.go SupportsPorts`,
  ),
} as const;

export function isValidPortName(s: string): boolean {
  return (
    s.length >= 1 &&
    s.length <= 15 &&
    PORT_NAME.test(s) &&
    HAS_LETTER.test(s) &&
    !s.includes('--') &&
    !s.startsWith('-') &&
    !s.endsWith('-')
  );
}

/** 'named' for a port name, 'number' for a number or range, undefined when it is not a port. */
function checkPort(v: unknown, at: () => Path, report: Report): 'named' | 'number' | undefined {
  const bad = () => {
    report([...at()], PORT_RULES.port, `'${String(v)}'`);
    return undefined;
  };
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 65535 ? 'number' : bad();
  if (typeof v !== 'string') return bad();
  if (DIGITS.test(v)) return Number(v) >= 1 && Number(v) <= 65535 ? 'number' : bad();
  const m = RANGE.exec(v);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    return lo >= 1 && hi <= 65535 && lo <= hi ? 'number' : bad();
  }
  if (!isValidPortName(v)) {
    report([...at()], PORT_RULES.portName, `'${v}'`);
    return undefined;
  }
  return 'named';
}

/**
 * One ports/notPorts list of a rule's source or destination. Without a protocol only named ports are
 * allowed (a name's protocol comes from the endpoint); with a protocol that has no ports, none are.
 */
export function checkPortList(
  value: unknown,
  entity: Path,
  key: string,
  protocol: ProtocolValue | undefined,
  protocolGiven: boolean,
  report: Report,
): void {
  if (!Array.isArray(value) || !value.length) return;
  let numeric = false;
  for (let i = 0; i < value.length; i++)
    if (checkPort(value[i], () => [...entity, key, i], report) === 'number') numeric = true;
  if (!protocolGiven) {
    if (numeric) report([...entity, key], PORT_RULES.numericPortsNeedProtocol);
  } else if (protocol && !supportsPorts(protocol)) {
    report([...entity, key], PORT_RULES.portsNeedPortProtocol);
  }
}
