// Shared by the policy tests: the upstream Kubernetes e2e network-policy model (namespaces x, y, z;
// pods a, b, c; each serving 80 and 81 over TCP, UDP and SCTP on named ports serve-<port>-<proto>),
// and a reachability table in the style of the e2e suite.
import { dump } from 'js-yaml';
import { objectsFromText } from '../../../src/policy/load/read-objects.js';
import { buildPolicySet, type PolicySet } from '../../../src/policy/load/policy-set.js';
import { Evaluator } from '../../../src/policy/evaluate/evaluate.js';
import { parseIp } from '../../../src/net/ip.js';
import { protocolNumber } from '../../../src/policy/net/protocol.js';
import type { Peer } from '../../../src/policy/model/flow.js';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
export const ALL_PEERS = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

/** x/a = 10.0.1.1, y/b = 10.0.2.2, ... */
export function podIp(peer: string): string {
  const [ns, pod] = peer.split('/') as [string, string];
  return `10.0.${NAMESPACES.indexOf(ns as 'x') + 1}.${PODS.indexOf(pod as 'a') + 1}`;
}

export function e2eClusterYaml(): string {
  const docs: unknown[] = NAMESPACES.map((ns) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: { ns } },
  }));
  for (const ns of NAMESPACES)
    for (const pod of PODS)
      docs.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace: ns, labels: { pod } },
        spec: {
          containers: [80, 81].flatMap((port) =>
            ['TCP', 'UDP', 'SCTP'].map((protocol) => ({
              name: `cont-${port}-${protocol.toLowerCase()}`,
              image: 'agnhost',
              ports: [{ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol }],
            })),
          ),
        },
        status: { podIP: podIp(`${ns}/${pod}`) },
      });
  return docs.map((d) => dump(d)).join('---\n');
}

export function policySetFrom(...yamlTexts: string[]): PolicySet {
  return buildPolicySet(yamlTexts.flatMap((t, i) => objectsFromText(t, `doc${i}.yaml`)));
}

export function peerOf(set: PolicySet, text: string): Peer {
  const [ns, name] = text.split('/');
  const pod = set.cluster.pods.find((p) => p.namespace === ns && p.name === name);
  if (pod) return { kind: 'pod', pod };
  const ip = parseIp(text);
  if (!ip) throw new Error(`no peer ${text}`);
  return { kind: 'ip', ip };
}

/** Expected reachability: everything allowed, then the table's edits, like the e2e Reachability type. */
export class Reachability {
  private readonly allowed = new Map<string, boolean>();
  constructor(defaultAllowed = true) {
    for (const s of ALL_PEERS)
      for (const d of ALL_PEERS) this.allowed.set(`${s}>${d}`, defaultAllowed || s === d);
  }
  private static match(pattern: string, peer: string): boolean {
    const [pns, ppod] = pattern.split('/');
    const [ns, pod] = peer.split('/');
    return (pns === '*' || pns === ns) && (ppod === '*' || ppod === pod);
  }
  /** Set every pair from `src` pattern to `dst` pattern (`x/*`, `*\/a`, `y/b`); self stays allowed. */
  set(src: string, dst: string, allowed: boolean): this {
    for (const s of ALL_PEERS)
      for (const d of ALL_PEERS)
        if (s !== d && Reachability.match(src, s) && Reachability.match(dst, d))
          this.allowed.set(`${s}>${d}`, allowed);
    return this;
  }
  /** Pairs whose expected value differs from the evaluator's. */
  diff(set: PolicySet, protocol = 'TCP', port = 80): string[] {
    const ev = new Evaluator(set);
    const out: string[] = [];
    for (const s of ALL_PEERS)
      for (const d of ALL_PEERS) {
        const flow = { src: peerOf(set, s), dst: peerOf(set, d), protocol: protocolNumber(protocol)!, port };
        const v = ev.evaluate(flow);
        if (v.allowed !== this.allowed.get(`${s}>${d}`))
          out.push(`${s} → ${d}: expected ${v.allowed ? 'deny' : 'allow'}`);
        // The matrix's verdict-only path must agree with the explaining one.
        if (ev.allows(flow) !== v.allowed) out.push(`${s} → ${d}: fast path disagrees`);
      }
    return out;
  }
}
