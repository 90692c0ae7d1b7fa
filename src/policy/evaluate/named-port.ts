// `--port http`: a named port is the DST pod's container port of that name, as a policy's named port
// is (https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports
// and Calico's named ports resolve against the destination workload's ports the same way).
import { UsageError } from '../../errors.js';
import { closest } from '../../schema/did-you-mean.js';
import type { Peer } from '../model/flow.js';
import { protocolName } from '../net/protocol.js';
import type { ProtocolQuery } from './query.js';

export function namedPortQuery(name: string, query: ProtocolQuery, dst: Peer): ProtocolQuery {
  if (dst.kind !== 'pod')
    throw new UsageError(
      `--port ${name} is a port name, and DST is not a pod: only a pod's container ports have names`,
      'give the port number',
    );
  const pod = dst.pod;
  const matches = pod.ports.filter((p) => p.name === name);
  const match = matches.find((p) => p.protocol === query.protocol);
  if (match) return { protocol: query.protocol, port: match.port };
  const other = matches[0];
  if (other)
    throw new UsageError(
      `port '${name}' of ${pod.namespace}/${pod.name} is ${protocolName(other.protocol)}, not ${protocolName(query.protocol)}`,
      `add --protocol ${protocolName(other.protocol)}`,
    );
  const names = pod.ports.map((p) => `${p.name} (${protocolName(p.protocol)}/${p.port})`);
  const guess = closest(
    name,
    pod.ports.map((p) => p.name),
  );
  throw new UsageError(
    `${pod.namespace}/${pod.name} has no container port named '${name}'`,
    guess
      ? `did you mean '${guess}'?`
      : names.length
        ? `its named ports: ${names.join(', ')}`
        : 'it names none of its ports: give the port number',
  );
}
