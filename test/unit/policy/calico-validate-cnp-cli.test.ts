// calico-validate on ClusterNetworkPolicy files, through the real CLI core: the README's worked
// example (test/fixtures/policy/cluster-network-policy). Tiers as Calico 3.32 creates them
// (docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy): kube-admin before the
// default tier, kube-baseline after it; the removed v1alpha1 AdminNetworkPolicy is bad input (exit 2).
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../helpers/run-calico-validate.js';

const DIR = 'test/fixtures/policy/cluster-network-policy';
const FILES = ['--cluster', `${DIR}/cluster.yaml`, '--policies', `${DIR}/policies.yaml`];

const run = runValidate;

describe('calico-validate on a ClusterNetworkPolicy file', () => {
  it.each([
    // [src, dst, port, exit, verdict, tier, policy, rule name]
    ['shop/web', 'vault/db', '5432', 1, 'deny', 'kube-admin', 'protect-vault', 'deny-shop'],
    ['vault/db', 'shop/web', '8080', 0, 'allow', 'default', 'web-from-vault', undefined],
    ['vault/db', 'shop/cart', '8080', 1, 'deny', 'kube-baseline', 'default-deny', 'deny-all'],
  ])('%s → %s:%s exits %i (%s by tier %s)', async (src, dst, port, exit, verdict, tier, policy, ruleName) => {
    const r = await run(src, dst, '--port', port, ...FILES, '--output', 'json');
    expect(r.code).toBe(exit);
    const doc = JSON.parse(r.stdout);
    expect(doc.verdict).toBe(verdict);
    expect(doc.ingress).toMatchObject({ verdict, reason: 'rule', tier, policy: { name: policy } });
    expect(doc.ingress.rule.name).toBe(ruleName);
  });

  it('the text names the Admin rule, its tier and its line', async () => {
    const r = await run('shop/web', 'vault/db', '--port', '5432', ...FILES);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `ingress to vault/db: denied by ingress rule 0 'deny-shop' (Deny) of ClusterNetworkPolicy protect-vault in tier 'kube-admin' at ${DIR}/policies.yaml:14`,
    );
  });

  it('refuses an AdminNetworkPolicy with exit 2, naming file:line and what replaces it', async () => {
    const r = await run(
      'shop/web',
      'vault/db',
      '--port',
      '5432',
      '--cluster',
      `${DIR}/cluster.yaml`,
      '--policies',
      'test/fixtures/policy/cluster-network-policy-removed/anp.yaml',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'test/fixtures/policy/cluster-network-policy-removed/anp.yaml:2:7 kind: AdminNetworkPolicy protect-vault: AdminNetworkPolicy was removed in Calico 3.32: it is no longer enforced',
    );
    expect(r.stderr).toContain('ClusterNetworkPolicy with `tier: Admin`');
  });
});
