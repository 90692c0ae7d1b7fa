// Turn what a user types (`frontend-pod`, `shop/web-0`, `203.0.113.7`) into a flow endpoint.
import { InputError } from '../../errors.js';
import type { Cluster } from '../model/cluster.js';
import type { Peer } from '../model/flow.js';
import { parseIp, POLICY_SYNTAX } from '../../net/ip.js';
import { protocolNumber } from '../net/protocol.js';

export function resolvePeer(
  text: string,
  defaultNamespace: string,
  cluster: Cluster,
  role: 'SRC' | 'DST',
): Peer {
  const ip = parseIp(text, POLICY_SYNTAX);
  if (ip) {
    const pod = cluster.pods.find((p) => p.ip && p.ip.version === ip.version && p.ip.value === ip.value);
    return pod ? { kind: 'pod', pod } : { kind: 'ip', ip };
  }
  const slash = text.indexOf('/');
  const namespace = slash >= 0 ? text.slice(0, slash) : defaultNamespace;
  const name = slash >= 0 ? text.slice(slash + 1) : text;
  const pod = cluster.pods.find((p) => p.namespace === namespace && p.name === name);
  if (pod) return { kind: 'pod', pod };
  const elsewhere = cluster.pods.filter((p) => p.name === name).map((p) => `${p.namespace}/${p.name}`);
  const inNs = cluster.pods.filter((p) => p.namespace === namespace).map((p) => p.name);
  const hint = elsewhere.length
    ? `a pod of that name exists in another namespace: ${elsewhere.slice(0, 5).join(', ')}`
    : inNs.length
      ? `pods in namespace '${namespace}': ${inNs.slice(0, 8).join(', ')}${inNs.length > 8 ? ', ...' : ''}`
      : cluster.pods.length
        ? `no pods in namespace '${namespace}': pass the namespace as NAMESPACE or write namespace/pod`
        : 'the cluster has no pods: pass --cluster FILE (kubectl get ns,pods -A -o yaml)';
  throw new InputError(`${role} '${text}' is not a pod of the cluster nor an IP address`, [
    { field: role, message: `no pod '${name}' in namespace '${namespace}'`, hint },
  ]);
}

export interface ProtocolQuery {
  protocol: number;
  port: number | undefined;
}

export function parseProtocolQuery(
  protocolText: string | undefined,
  portText: string | undefined,
): ProtocolQuery {
  const problems = [];
  const protocol = protocolNumber(protocolText ?? 'TCP');
  if (protocol === undefined || ![1, 6, 17, 58, 132].includes(protocol))
    problems.push({ field: '--protocol', message: `'${protocolText}' is not TCP, UDP, SCTP or ICMP` });
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535))
      problems.push({ field: '--port', message: `'${portText}' is not a port (1-65535)` });
    else if (protocol === 1 || protocol === 58)
      problems.push({
        field: '--port',
        message: 'ICMP has no ports',
        hint: 'drop --port, or use --protocol TCP|UDP|SCTP',
      });
  }
  if (problems.length) throw new InputError('bad flow', problems);
  return { protocol: protocol as number, port };
}
