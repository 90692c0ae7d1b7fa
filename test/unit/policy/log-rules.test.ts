import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { LOG_RULE_ANNOTATION, addLogRules, removeLogRules } from '../../../src/policy/log-rules/log-rules.js';
import { Evaluator } from '../../../src/policy/evaluate/evaluate.js';
import { resolvePeer } from '../../../src/policy/evaluate/query.js';
import { loadPolicySet } from '../../../src/policy/load/policy-set.js';
import { runCli } from '../../helpers/run-cli.js';

type Json = Record<string, unknown>;
const mark = (m: string) => ({ metadata: { annotations: { [LOG_RULE_ANNOTATION]: m } } });
const DENY_DB = { action: 'Deny', protocol: 'TCP', destination: { ports: [5432] } };
const ALLOW = { action: 'Allow' };

function policy(spec: Json, kind = 'NetworkPolicy', apiVersion = 'projectcalico.org/v3'): Json {
  return { apiVersion, kind, metadata: { name: 'p', namespace: 'shop' }, spec };
}

describe('adding Log rules', () => {
  it.each([
    [
      'a Log rule with the Deny rule match, just before it',
      { types: ['Egress'], egress: [ALLOW, DENY_DB] },
      {
        egress: [
          ALLOW,
          { action: 'Log', protocol: 'TCP', destination: { ports: [5432] }, ...mark('before-deny') },
          DENY_DB,
        ],
      },
    ],
    [
      'a match-all Log rule in each direction a default deny selects without rules',
      { selector: 'all()', types: ['Ingress', 'Egress'] },
      {
        ingress: [{ action: 'Log', ...mark('end-of-tier') }],
        egress: [{ action: 'Log', ...mark('end-of-tier') }],
      },
    ],
    [
      'Ingress only when types are omitted and there are no egress rules (Calico default)',
      { selector: 'all()' },
      { ingress: [{ action: 'Log', ...mark('end-of-tier') }] },
    ],
    [
      "no Log rule for a direction the policy's types leave out",
      { types: ['Ingress'], ingress: [ALLOW], egress: [DENY_DB] },
      {},
    ],
    [
      'nothing at the end of a policy with its own rules: later policies may still allow',
      { types: ['Ingress'], ingress: [ALLOW] },
      {},
    ],
  ])('adds %s', (_, spec, expectedSpecChanges) => {
    const r = addLogRules(policy(spec));
    expect(r.value['spec']).toEqual({ ...spec, ...expectedSpecChanges });
    expect(r.changes.length > 0).toBe(Object.keys(expectedSpecChanges).length > 0);
  });

  it.each([
    [
      'a Kubernetes NetworkPolicy',
      policy({ podSelector: {} }, 'NetworkPolicy', 'networking.k8s.io/v1'),
      'has no Log action',
    ],
    ['a staged policy', policy({ types: ['Ingress'] }, 'StagedNetworkPolicy'), undefined],
    [
      'a Tier',
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 't' }, spec: { order: 1 } },
      undefined,
    ],
  ])('leaves %s alone', (_, obj, note) => {
    const r = addLogRules(obj);
    expect(r.value).toBe(obj);
    expect(r.changes).toEqual([]);
    expect(r.note).toEqual(note === undefined ? undefined : expect.stringContaining(note));
  });

  it('adds nothing the second time', () => {
    const once = addLogRules(policy({ types: ['Ingress', 'Egress'], egress: [DENY_DB] })).value;
    const twice = addLogRules(once);
    expect(twice.changes).toEqual([]);
    expect(twice.value).toEqual(once);
  });

  it.each([
    [{ types: ['Egress'], egress: [ALLOW, DENY_DB, { action: 'Deny' }] }],
    [{ selector: 'all()', types: ['Ingress', 'Egress'] }],
    [{ ingress: [{ action: 'Log' }, DENY_DB] }],
  ])('--remove undoes exactly what was added to %j', (spec) => {
    const original = policy(spec);
    const added = addLogRules(original).value;
    const removed = removeLogRules(added);
    expect(removed.value).toEqual(original);
    expect(removed.changes.length).toBe(addLogRules(original).changes.length);
  });

  it('--remove keeps Log rules a person wrote', () => {
    const own = policy({ ingress: [{ action: 'Log' }, ALLOW] });
    expect(removeLogRules(own)).toEqual({ value: own, changes: [] });
  });
});

describe('picocal policy log-rules on the example policies', () => {
  function copy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'picocal-log-rules-'));
    cpSync('examples/policies', dir, { recursive: true });
    return dir;
  }

  it('logs the flows the default deny denies and keeps every verdict', async () => {
    const dir = copy();
    const before = loadPolicySet(['cluster.yaml', 'policies'], dir);
    const r = await runCli(['policy', 'log-rules', 'policies'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'policies/baseline/default-deny.yaml:3   GlobalNetworkPolicy default-deny   ingress',
    );
    expect(r.stderr).toContain('Kubernetes NetworkPolicy has no Log action');
    const after = loadPolicySet(['cluster.yaml', 'policies'], dir);
    const flow = (set: typeof after, from: string, to: string, port: number) =>
      new Evaluator(set).evaluate({
        src: resolvePeer(from, 'default', set.cluster, 'SRC'),
        dst: resolvePeer(to, 'default', set.cluster, 'DST'),
        protocol: 6,
        port,
      });
    const denied = flow(after, 'backend/worker-5f9c7d8b4-xt6wq', 'database/postgres-0', 5432);
    expect(denied.allowed).toBe(false);
    expect(denied.egress.logged.map((l) => l.policy.ref.name)).toEqual(['default-deny']);
    const allowed = flow(after, 'frontend/web-6b7f9c8d5-2lx9p', 'backend/api-7d4b8f6c9-k2v8n', 8080);
    expect(allowed.allowed).toBe(true);
    expect([...allowed.egress.logged, ...allowed.ingress.logged]).toEqual([]);
    expect(flow(before, 'backend/worker-5f9c7d8b4-xt6wq', 'database/postgres-0', 5432).allowed).toBe(false);
    const tests = await runCli(['policy', 'test', 'policy-tests.yaml'], { cwd: dir });
    expect(tests.code).toBe(0);
    const lint = await runCli(['policy', 'lint', 'policies', '--artifacts', resolve('../shared/calico')], {
      cwd: dir,
    });
    expect(lint.code, lint.stdout).toBe(0);
  });

  it('rewrites only the changed documents and --remove restores the objects', async () => {
    const dir = copy();
    const web = readFileSync(join(dir, 'policies/frontend/web.yaml'), 'utf8');
    const deny = readFileSync(join(dir, 'policies/baseline/default-deny.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'policies/mixed.yaml'),
      '# keep me\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}   # odd spacing kept\n---\n# the deny\n' +
        'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: d, namespace: shop}\nspec:\n  ingress: [{action: Deny, protocol: UDP}]\n',
    );
    await runCli(['policy', 'log-rules', 'policies'], { cwd: dir });
    expect(readFileSync(join(dir, 'policies/frontend/web.yaml'), 'utf8')).toBe(web);
    const mixed = readFileSync(join(dir, 'policies/mixed.yaml'), 'utf8');
    expect(
      mixed.startsWith(
        '# keep me\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}   # odd spacing kept\n---\n# the deny\n',
      ),
    ).toBe(true);
    expect((loadAll(mixed)[1] as { spec: { ingress: Json[] } }).spec.ingress.map((r) => r['action'])).toEqual(
      ['Log', 'Deny'],
    );
    const removed = await runCli(['policy', 'log-rules', 'policies', '--remove'], { cwd: dir });
    expect(removed.code).toBe(0);
    expect(load(readFileSync(join(dir, 'policies/baseline/default-deny.yaml'), 'utf8'))).toEqual(load(deny));
    expect(
      (loadAll(readFileSync(join(dir, 'policies/mixed.yaml'), 'utf8'))[1] as { spec: Json }).spec,
    ).toEqual({
      ingress: [{ action: 'Deny', protocol: 'UDP' }],
    });
  });

  it('writes nothing with --dry-run and reports the changes as JSON', async () => {
    const dir = copy();
    const deny = readFileSync(join(dir, 'policies/baseline/default-deny.yaml'), 'utf8');
    const r = await runCli(['policy', 'log-rules', 'policies', '--dry-run', '--output', 'json'], {
      cwd: dir,
    });
    const doc = JSON.parse(r.stdout) as { changes: { reason: string }[]; written: string[] };
    expect(doc.changes.map((c) => c.reason)).toEqual(['end-of-tier', 'end-of-tier']);
    expect(doc.written).toEqual([]);
    expect(readFileSync(join(dir, 'policies/baseline/default-deny.yaml'), 'utf8')).toBe(deny);
  });
});
