// Staged policies never change the enforced verdict; the staged view applies Set (add or replace the
// enforced policy of the same kind, namespace, tier and name) and Delete (remove it).
import { describe, expect, it } from 'vitest';
import { validateFlow } from '../../../src/policy/evaluate/validate.js';
import { peerOf, policySetFrom } from './policy-test-kit.js';

const cluster = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: default, labels: {app: a}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: default, labels: {app: b}}
`;
const enforcedDeny = `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: guard, namespace: default}
spec:
  selector: app == "b"
  ingress: [{action: Deny}]
`;
const staged = (kind: string, action: string, rules: string, name = 'guard') => `
apiVersion: projectcalico.org/v3
kind: ${kind}
metadata: {name: ${name}, namespace: default}
spec:
  stagedAction: ${action}
  selector: app == "b"
  ingress: ${rules}
`;
// A staged Delete carries nothing but the name (and tier) of what it deletes: the API refuses other
// spec fields (libcalico-go/lib/validator/v3/validator.go#L1927-L1935 at v3.32.1).
const stagedDelete = `
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: guard, namespace: default}
spec:
  stagedAction: Delete
`;

function verdicts(...docs: string[]) {
  const set = policySetFrom(cluster, ...docs);
  const r = validateFlow(set, peerOf(set, 'default/a'), peerOf(set, 'default/b'), { protocol: 6, port: 80 });
  return { enforced: r.verdict.allowed, staged: r.staged?.allowed };
}

describe('staged policies', () => {
  it.each([
    ['no staged policy: no staged verdict', [enforcedDeny], { enforced: false, staged: undefined }],
    [
      'Set replaces the enforced policy of the same name',
      [enforcedDeny, staged('StagedNetworkPolicy', 'Set', '[{action: Allow}]')],
      { enforced: false, staged: true },
    ],
    ['Delete removes it', [enforcedDeny, stagedDelete], { enforced: false, staged: true }],
    [
      'Set of a new name adds a policy',
      [staged('StagedNetworkPolicy', 'Set', '[{action: Deny}]', 'new')],
      { enforced: true, staged: false },
    ],
  ])('%s', (_name, docs, expected) => {
    expect(verdicts(...docs)).toEqual(expected);
  });

  it('a StagedGlobalNetworkPolicy does not replace a namespaced policy of the same name', () => {
    const g = staged('StagedGlobalNetworkPolicy', 'Set', '[{action: Allow}]').replace(
      'namespace: default',
      '',
    );
    const set = policySetFrom(cluster, enforcedDeny, g);
    expect(set.stagedPolicies?.map((p) => `${p.ref.kind} ${p.ref.name}`).sort()).toEqual([
      'GlobalNetworkPolicy guard',
      'NetworkPolicy guard',
    ]);
  });

  it('StagedKubernetesNetworkPolicy stages a Kubernetes policy', () => {
    const k = `
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: {name: iso, namespace: default}
spec:
  stagedAction: Set
  podSelector: {matchLabels: {app: b}}
`;
    expect(verdicts(k)).toEqual({ enforced: true, staged: false });
  });
});
