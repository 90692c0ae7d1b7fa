// The GitOps output lists the files holding only policy objects; ClusterNetworkPolicy
// (policy.networking.k8s.io/v1alpha2, enforced by Calico 3.32) is one, the removed v1alpha1
// AdminNetworkPolicy is not (the linter and calico-validate refuse it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanPolicyFolder } from '../../../src/policy/load/policy-files.js';

const dir = mkdtempSync(join(tmpdir(), 'picocal-gitops-cnp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GitOps policy files', () => {
  it('includes a ClusterNetworkPolicy file and skips an AdminNetworkPolicy file', () => {
    writeFileSync(
      join(dir, 'cnp.yaml'),
      'apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: a}\nspec: {}\n',
    );
    writeFileSync(
      join(dir, 'anp.yaml'),
      'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: b}\nspec: {}\n',
    );
    const scan = scanPolicyFolder(dir, 'policies');
    expect(scan.resources).toEqual(['cnp.yaml']);
    expect(scan.skipped).toEqual([
      {
        file: 'anp.yaml',
        reason: 'holds policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy, not only policies',
      },
    ]);
  });
});
