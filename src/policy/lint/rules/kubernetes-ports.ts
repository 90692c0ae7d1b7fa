// Ports of Kubernetes-shaped policies: protocols the API accepts, port numbers and names, endPort.
import { RULES } from '../catalog.js';
import { describe } from '../resource.js';
import type { LintContext } from '../rule.js';
import { kubernetesPorts } from '../walk.js';
import { checkPortName } from './port-names.js';

const KUBERNETES_PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

export function checkKubernetesPorts(ctx: LintContext): void {
  for (const r of ctx.resources) {
    for (const { path, value: port } of kubernetesPorts(r)) {
      const protocol = port['protocol'];
      if (typeof protocol === 'string' && !KUBERNETES_PROTOCOLS.has(protocol)) {
        if (/^icmp(v6)?$/i.test(protocol)) {
          ctx.report(
            RULES.icmpInKubernetes,
            r,
            [...path, 'protocol'],
            `${describe(r)}: protocol ${protocol} is not allowed in a Kubernetes NetworkPolicy (only TCP, UDP, SCTP); the API server rejects the policy`,
            'to allow ping, write a Calico NetworkPolicy (projectcalico.org/v3) with a rule `action: Allow, protocol: ICMP`',
          );
        }
      }
      const p = port['port'];
      const end = port['endPort'];
      if (typeof p === 'number' && (!Number.isInteger(p) || p < 1 || p > 65535)) {
        ctx.report(RULES.invalidPort, r, [...path, 'port'], `${describe(r)}: port ${p} is not in 1-65535`);
      }
      if (typeof p === 'string') checkPortName(ctx, r, [...path, 'port'], p, 'kubernetes');
      if (end === undefined) continue;
      if (p === undefined) {
        ctx.report(
          RULES.endPort,
          r,
          [...path, 'endPort'],
          `${describe(r)}: endPort without port`,
          'set port to the first port of the range',
        );
      } else if (typeof p === 'string') {
        ctx.report(
          RULES.endPort,
          r,
          [...path, 'endPort'],
          `${describe(r)}: endPort cannot be used with a named port ('${p}')`,
          'use a numeric port for a range, or drop endPort',
        );
      } else if (typeof end === 'number' && typeof p === 'number' && end < p) {
        ctx.report(
          RULES.endPort,
          r,
          [...path, 'endPort'],
          `${describe(r)}: endPort ${end} is below port ${p}`,
          'endPort is the last port of the range: make it at least port',
        );
      } else if (typeof end === 'number' && (!Number.isInteger(end) || end > 65535)) {
        ctx.report(
          RULES.invalidPort,
          r,
          [...path, 'endPort'],
          `${describe(r)}: endPort ${end} is not in 1-65535`,
        );
      }
    }
  }
}
