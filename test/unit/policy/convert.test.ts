// Staged ⇄ enforced conversion of policy files: kinds, stagedAction, what is kept byte for byte, and
// where the results go.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertFiles, convertObject } from '../../../src/policy/convert/index.js';
import { lintPaths } from '../../../src/policy/lint/index.js';
import { CALICO } from './lint-helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'picocal-convert-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const K8S = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: app
  resourceVersion: "42"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: "{}"
    owner: platform
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

describe('convertObject', () => {
  it.each([
    ['networking.k8s.io/v1', 'NetworkPolicy', 'projectcalico.org/v3', 'StagedKubernetesNetworkPolicy'],
    ['projectcalico.org/v3', 'NetworkPolicy', 'projectcalico.org/v3', 'StagedNetworkPolicy'],
    ['projectcalico.org/v3', 'GlobalNetworkPolicy', 'projectcalico.org/v3', 'StagedGlobalNetworkPolicy'],
    ['crd.projectcalico.org/v1', 'NetworkPolicy', 'projectcalico.org/v3', 'StagedNetworkPolicy'],
  ])('stages %s %s as %s %s with stagedAction Set', (apiVersion, kind, toApi, toKind) => {
    const out = convertObject(
      { apiVersion, kind, metadata: { name: 'x' }, spec: { selector: 'all()' } },
      'stage',
    );
    expect(out).toMatchObject({
      kind: 'converted',
      value: { apiVersion: toApi, kind: toKind, spec: { stagedAction: 'Set', selector: 'all()' } },
    });
  });

  it.each([
    ['StagedKubernetesNetworkPolicy', 'networking.k8s.io/v1', 'NetworkPolicy'],
    ['StagedNetworkPolicy', 'projectcalico.org/v3', 'NetworkPolicy'],
    ['StagedGlobalNetworkPolicy', 'projectcalico.org/v3', 'GlobalNetworkPolicy'],
  ])('enforces %s as %s %s without stagedAction', (kind, toApi, toKind) => {
    const out = convertObject(
      { apiVersion: 'projectcalico.org/v3', kind, metadata: { name: 'x' }, spec: { stagedAction: 'Set' } },
      'enforce',
    );
    expect(out).toEqual({
      kind: 'converted',
      from: { apiVersion: 'projectcalico.org/v3', kind },
      to: { apiVersion: toApi, kind: toKind },
      value: { apiVersion: toApi, kind: toKind, metadata: { name: 'x' }, spec: {} },
    });
  });

  it('treats a staged policy without stagedAction as Set (the CRD default)', () => {
    expect(
      convertObject(
        {
          apiVersion: 'projectcalico.org/v3',
          kind: 'StagedNetworkPolicy',
          metadata: { name: 'x' },
          spec: {},
        },
        'enforce',
      ).kind,
    ).toBe('converted');
  });

  it('turns stagedAction Delete into a removal and leaves Learn alone', () => {
    const base = { apiVersion: 'projectcalico.org/v3', kind: 'StagedNetworkPolicy', metadata: { name: 'x' } };
    expect(convertObject({ ...base, spec: { stagedAction: 'Delete' } }, 'enforce').kind).toBe('delete');
    expect(convertObject({ ...base, spec: { stagedAction: 'Learn' } }, 'enforce').kind).toBe('skipped');
  });

  it('leaves other kinds alone', () => {
    expect(convertObject({ apiVersion: 'v1', kind: 'ConfigMap' }, 'stage').kind).toBe('unchanged');
    expect(convertObject({ apiVersion: 'projectcalico.org/v3', kind: 'NetworkSet' }, 'stage').kind).toBe(
      'unchanged',
    );
  });
});

describe('convertFiles', () => {
  it('stages in place, keeping other documents and comments byte for byte, and drops server metadata', () => {
    const file = join(dir, 'p.yaml');
    const other = '# the config\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}  # keep me\n';
    writeFileSync(file, other + '---\n# web policy\n' + K8S);
    const result = convertFiles({ direction: 'stage', paths: [file], cwd: dir });
    expect(result.changes).toMatchObject([
      { action: 'converted', name: 'web', to: { kind: 'StagedKubernetesNetworkPolicy' } },
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(other + '---\n# web policy\n')).toBe(true);
    const docs = loadAll(text) as Record<string, unknown>[];
    expect(docs[1]).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'StagedKubernetesNetworkPolicy',
      metadata: { name: 'web', namespace: 'app', annotations: { owner: 'platform' } },
      spec: { stagedAction: 'Set', podSelector: {}, policyTypes: ['Ingress'] },
    });
    expect(readdirSync(dir)).toEqual(['p.yaml']); // no temporary files left behind
  });

  it('round-trips: stage then enforce gives back the same objects', () => {
    const file = join(dir, 'p.yaml');
    const calico =
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec: {selector: all(), types: [Ingress], order: 10}\n';
    writeFileSync(
      file,
      calico + '---\n' + K8S.replace(/ {2}resourceVersion.*\n/, '').replace(/ {2}annotations:\n.*\n.*\n/, ''),
    );
    const before = loadAll(readFileSync(file, 'utf8'));
    convertFiles({ direction: 'stage', paths: [file], cwd: dir });
    convertFiles({ direction: 'enforce', paths: [file], cwd: dir });
    expect(loadAll(readFileSync(file, 'utf8'))).toEqual(before);
  });

  it('writes to --out mirroring the input folder and leaves the input untouched', () => {
    mkdirSync(join(dir, 'in', 'team'), { recursive: true });
    writeFileSync(join(dir, 'in', 'team', 'a.yaml'), K8S);
    writeFileSync(join(dir, 'in', 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    convertFiles({ direction: 'stage', paths: ['in'], cwd: dir, outDir: 'out' });
    expect(readFileSync(join(dir, 'in', 'team', 'a.yaml'), 'utf8')).toBe(K8S);
    expect(readFileSync(join(dir, 'out', 'team', 'a.yaml'), 'utf8')).toContain(
      'kind: StagedKubernetesNetworkPolicy',
    );
    expect(readFileSync(join(dir, 'out', 'b.yaml'), 'utf8')).toContain('ConfigMap');
  });

  it('converts the items of a kind: List', () => {
    const file = join(dir, 'list.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: List\nitems:\n${K8S.replace(/^/gm, '  ').replace(/^ {2}apiVersion/, '- apiVersion')}`,
    );
    convertFiles({ direction: 'stage', paths: [file], cwd: dir });
    const [list] = loadAll(readFileSync(file, 'utf8')) as { items: { kind: string }[] }[];
    expect(list?.items.map((i) => i.kind)).toEqual(['StagedKubernetesNetworkPolicy']);
  });

  it('enforcing a staged Set replaces the enforced policy of the same name; Delete removes it', () => {
    const file = join(dir, 'p.yaml');
    const np = (name: string) =>
      `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: app}\nspec: {selector: all()}\n`;
    const staged = (name: string, action: string) =>
      `apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata: {name: ${name}, namespace: app}\nspec: {stagedAction: ${action}, selector: "app == 'new'"}\n`;
    writeFileSync(file, [np('a'), np('b'), np('c'), staged('a', 'Set'), staged('b', 'Delete')].join('---\n'));
    const result = convertFiles({ direction: 'enforce', paths: [file], cwd: dir });
    const docs = loadAll(readFileSync(file, 'utf8')) as {
      kind: string;
      metadata: { name: string };
      spec: Record<string, unknown>;
    }[];
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['NetworkPolicy/c', 'NetworkPolicy/a']);
    expect(docs[1]?.spec).toEqual({ selector: "app == 'new'" });
    expect(result.changes.filter((c) => c.action === 'removed')).toHaveLength(3);
  });

  it('produces policies that pass the linter’s schema checks', () => {
    const file = join(dir, 'p.yaml');
    writeFileSync(file, K8S);
    convertFiles({ direction: 'stage', paths: [file], cwd: dir });
    expect(
      lintPaths([file], dir, { calico: CALICO }).findings.filter(
        (f) => f.rule === 'schema' || f.rule === 'unknown-field',
      ),
    ).toEqual([]);
  });
});
