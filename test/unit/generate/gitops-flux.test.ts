import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { fluxPath } from '../../../src/generate/flux.js';
import { runCli } from '../../helpers/run-cli.js';

type Json = Record<string, unknown>;

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);
}

// What Flux's v1 CRDs require of these objects (kustomize-controller and source-controller
// config/crd/bases): required fields, enums and the patterns the API server enforces.
const FLUX_SCHEMA: Record<string, { required: string[]; patterns: Record<string, RegExp> }> = {
  'source.toolkit.fluxcd.io/v1 GitRepository': {
    required: ['metadata.name', 'metadata.namespace', 'spec.interval', 'spec.url'],
    patterns: {
      'spec.interval': /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/,
      'spec.url': /^(http|https|ssh):\/\/.*$/,
      'spec.ref.branch': /^.+$/,
    },
  },
  'kustomize.toolkit.fluxcd.io/v1 Kustomization': {
    required: [
      'metadata.name',
      'metadata.namespace',
      'spec.interval',
      'spec.prune',
      'spec.sourceRef.kind',
      'spec.sourceRef.name',
    ],
    patterns: {
      'spec.interval': /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/,
      'spec.sourceRef.kind': /^(OCIRepository|GitRepository|Bucket)$/,
      'spec.path': /^\.\//,
    },
  },
};

function fluxViolations(doc: Json): string[] {
  const schema = FLUX_SCHEMA[`${String(doc['apiVersion'])} ${String(doc['kind'])}`];
  if (!schema) return [`unknown kind ${String(doc['apiVersion'])} ${String(doc['kind'])}`];
  const out = schema.required.filter((p) => get(doc, p) === undefined).map((p) => `missing ${p}`);
  for (const [p, re] of Object.entries(schema.patterns)) {
    const v = get(doc, p);
    if (v !== undefined && !re.test(String(v))) out.push(`${p}: '${String(v)}' does not match ${re}`);
  }
  if (doc['kind'] === 'Kustomization' && typeof get(doc, 'spec.prune') !== 'boolean')
    out.push('spec.prune is not a boolean');
  return out;
}

function repoWithExamples(): string {
  const repo = mkdtempSync(join(tmpdir(), 'picocal-flux-'));
  cpSync('examples/policies', join(repo, 'examples/policies'), { recursive: true });
  return repo;
}

const FLAGS = ['--repo', 'https://github.com/example/shop', '--path', './examples/policies'];

describe('picocal gitops flux', () => {
  it('writes a GitRepository and a pruning Kustomization that refers to it, valid for Flux v1', async () => {
    const repo = repoWithExamples();
    const r = await runCli(['gitops', 'flux', ...FLAGS, '--interval', '5m', '--branch', 'prod'], {
      cwd: repo,
    });
    expect(r.code, r.stderr).toBe(0);
    const docs = loadAll(readFileSync(join(repo, 'flux/picocal-policies.yaml'), 'utf8')) as Json[];
    expect(docs.map((d) => `${String(d['apiVersion'])} ${String(d['kind'])}`)).toEqual(
      Object.keys(FLUX_SCHEMA),
    );
    for (const d of docs) expect(fluxViolations(d)).toEqual([]);
    const [source, kustomization] = docs;
    expect(get(source, 'spec')).toEqual({
      interval: '5m',
      url: 'https://github.com/example/shop',
      ref: { branch: 'prod' },
    });
    expect(get(kustomization, 'spec')).toEqual({
      interval: '5m',
      path: './examples/policies',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: get(source, 'metadata.name') },
    });
    expect(get(kustomization, 'metadata.namespace')).toBe(get(source, 'metadata.namespace'));
  });

  it('lists the policy files of the folder in kustomization.yaml, leaving out the snapshot and the tests', async () => {
    const repo = repoWithExamples();
    const r = await runCli(['gitops', 'flux', ...FLAGS], { cwd: repo });
    expect(r.stderr).toContain(
      'left out examples/policies/cluster.yaml: holds v1 Namespace, v1 Pod, not only policies',
    );
    expect(r.stderr).toContain('left out examples/policies/policy-tests.yaml: not Kubernetes objects');
    const k = loadAll(readFileSync(join(repo, 'examples/policies/kustomization.yaml'), 'utf8'))[0] as Json;
    expect(k).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [
        'policies/backend/api.yaml',
        'policies/baseline/allow-dns.yaml',
        'policies/baseline/default-deny.yaml',
        'policies/database/postgres.yaml',
        'policies/frontend/web.yaml',
      ],
    });
  });

  describe('policy lint DIR finds drift between the folder and its kustomization.yaml', () => {
    const NEW_POLICY =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: extra, namespace: shop}\n' +
      'spec: {podSelector: {}, policyTypes: [Ingress]}\n';
    // An empty artifacts folder: the schema check is skipped offline, every other rule runs.
    const lint = (repo: string) =>
      runCli(
        [
          'policy',
          'lint',
          'examples/policies',
          '--artifacts',
          mkdtempSync(join(tmpdir(), 'no-artifacts-')),
          '--output',
          'json',
        ],
        {
          cwd: repo,
        },
      );
    type Lint = { findings: Array<{ rule: string; message: string; file: string; line: number }> };
    const drift = (stdout: string) =>
      (JSON.parse(stdout) as Lint).findings.filter((f) => f.rule === 'kustomization-drift');

    it.each<[string, (policies: string) => void, number, RegExp[]]>([
      ['in sync', () => undefined, 0, []],
      [
        'a policy file added later',
        (p) => writeFileSync(join(p, 'policies/frontend/extra.yaml'), NEW_POLICY),
        1,
        [
          /^policies\/frontend\/extra\.yaml is a policy file of the folder that resources: does not list: Flux will not deploy it$/,
        ],
      ],
      [
        'a listed file removed',
        (p) => rmSync(join(p, 'policies/database/postgres.yaml')),
        1,
        [/^resources: lists policies\/database\/postgres\.yaml, which does not exist/],
      ],
    ])('%s', async (_what, change, exit, messages) => {
      const repo = repoWithExamples();
      expect((await runCli(['gitops', 'flux', ...FLAGS], { cwd: repo })).code).toBe(0);
      change(join(repo, 'examples/policies'));
      const r = await lint(repo);
      expect(r.code, r.stderr).toBe(exit);
      const found = drift(r.stdout);
      expect(found.map((f) => f.message)).toHaveLength(messages.length);
      messages.forEach((m, i) => expect(found[i]?.message).toMatch(m));
      for (const f of found) expect(f.file).toBe('examples/policies/kustomization.yaml');
    });

    it('a folder without kustomization.yaml has no drift finding', async () => {
      const repo = repoWithExamples();
      expect(drift((await lint(repo)).stdout)).toEqual([]);
    });
  });

  it('writes a kustomization that kustomize builds into exactly the policies', async (ctx) => {
    if (!hasKubectl()) return ctx.skip();
    const repo = repoWithExamples();
    await runCli(['gitops', 'flux', ...FLAGS], { cwd: repo });
    const built = execFileSync('kubectl', ['kustomize', join(repo, 'examples/policies')], {
      encoding: 'utf8',
    });
    const kinds = (loadAll(built) as Json[]).map(
      (d) => `${String(d['kind'])} ${String(get(d, 'metadata.name'))}`,
    );
    expect(kinds.sort()).toEqual([
      'GlobalNetworkPolicy allow-dns',
      'GlobalNetworkPolicy default-deny',
      'NetworkPolicy api',
      'NetworkPolicy postgres-from-api',
      'NetworkPolicy web-ingress',
      'NetworkPolicy web-to-api',
    ]);
  });

  it.each([
    [['--repo', 'git@github.com:me/repo.git'], '--repo', 'scp-style'],
    [['--repo', 'https://x/y', '--interval', '10 minutes'], '--interval', "'10 minutes' is not a duration"],
    [['--repo', 'https://x/y', '--path', '../elsewhere'], '--path', 'not a folder inside the repository'],
    [['--repo', 'https://x/y', '--name', 'Policies'], '--name', 'not a valid Kubernetes name'],
  ])('rejects %j naming %s', async (flags, field, message) => {
    const repo = repoWithExamples();
    const r = await runCli(['gitops', 'flux', '--path', 'examples/policies', ...flags], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${field}: `);
    expect(r.stderr).toContain(message);
    expect(existsSync(join(repo, 'flux'))).toBe(false);
  });

  it('needs --repo', async () => {
    const r = await runCli(['gitops', 'flux'], { cwd: repoWithExamples() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--repo URL is required');
  });

  it('changes nothing when either file exists, unless --force', async () => {
    const repo = repoWithExamples();
    writeFileSync(join(repo, 'examples/policies/kustomization.yaml'), 'mine\n');
    const r = await runCli(['gitops', 'flux', ...FLAGS], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to overwrite examples/policies/kustomization.yaml');
    expect(existsSync(join(repo, 'flux/picocal-policies.yaml'))).toBe(false);
    expect((await runCli(['gitops', 'flux', ...FLAGS, '--force'], { cwd: repo })).code).toBe(0);
    expect(readFileSync(join(repo, 'examples/policies/kustomization.yaml'), 'utf8')).toContain('resources:');
  });

  it.each([
    ['policies', './policies'],
    ['./policies/', './policies'],
    ['././a/b//', './a/b'],
    ['.', './'],
  ])('writes the path %s as %s', (input, output) => {
    expect(fluxPath(input)).toBe(output);
  });
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env['CI']) throw new Error('kubectl is missing: CI must provide it (kubectl kustomize)');
    console.warn('skipping: kubectl not found (kubectl kustomize checks the generated kustomization.yaml)');
    return false;
  }
}
