// The loader: folders, multi-document YAML, `kind: List`, JSON, unknown kinds, and errors that name
// the file and line.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadPolicySet } from '../../../src/policy/load/policy-set.js';
import { policySetFrom } from './policy-test-kit.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'picocal-policy-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError)
      return err.problems.map((p) => `${p.location?.file}:${p.location?.line} ${p.field ?? ''} ${p.message}`);
    throw err;
  }
  throw new Error('expected an InputError');
}

const pod = (name: string, ns = 'default') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}}\nspec: {containers: []}\n`;

describe('policy loader', () => {
  it('reads folders recursively, multi-document files, Lists and JSON; ignores other kinds with a note', () => {
    const dir = tree({
      'cluster/pods.yaml': `${pod('a')}---\n${pod('b')}`,
      'cluster/more/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${pod('c').replace(/\n(?=.)/g, '\n  ')}`,
      'policies/p.json': JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny', namespace: 'default' },
        spec: { podSelector: {} },
      }),
      'policies/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'policies/README.md': 'not read',
    });
    const set = loadPolicySet(['cluster', 'policies'], dir);
    expect(set.cluster.pods.map((p) => p.name).sort()).toEqual(['a', 'b', 'c']);
    expect(set.policies.map((p) => p.ref.name)).toEqual(['deny']);
    expect(set.notes.join('\n')).toMatch(/policies\/deploy.yaml:1: apps\/v1 Deployment .* ignored/);
  });

  it('gives a pod the namespace label Kubernetes always sets, and Calico its automatic labels', () => {
    const set = policySetFrom(pod('a', 'shop'));
    const p = set.cluster.pods[0]!;
    expect(set.cluster.namespaces.get('shop')?.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
    expect(p.calicoLabels).toMatchObject({
      app: 'a',
      'projectcalico.org/namespace': 'shop',
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'default',
    });
  });

  it.each([
    ['not YAML', 'a: [1, 2\n', 'x.yaml:2'],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', 'object has no apiVersion or kind'],
    [
      'k8s policy with ICMP',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: ICMP\n',
      "x.yaml:8 spec.ingress[0].ports[0].protocol NetworkPolicy p: protocol 'ICMP' is not allowed",
    ],
    [
      'endPort below port',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 90, endPort: 80}\n',
      'endPort 80 must be a port number not below port 90',
    ],
    [
      'unknown action',
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec:\n  ingress:\n  - action: Accept\n',
      "x.yaml:6 spec.ingress[0].action GlobalNetworkPolicy g: 'Accept': action must be Allow, Deny, Log or Pass (case-sensitive) (Calico API rule action)",
    ],
    [
      'unknown tier',
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec:\n  tier: nope\n',
      "tier 'nope' is not defined",
    ],
  ])('%s is an InputError naming file:line', (_name, text, message) => {
    const problems = problemsOf(() => loadPolicySet(['x.yaml'], tree({ 'x.yaml': text })));
    expect(problems.join('\n')).toContain(message);
  });
});
