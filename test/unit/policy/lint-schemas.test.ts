// Calico's schemas come from the release's CRD manifest at run time, sha256-checked; picocal ships no
// copy. Tests read the real release files in ../shared/calico. The network is the one thing a test
// cannot use, so downloads go through a fetch that serves those same files (or fails, as offline).
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '../../../src/artifacts/artifacts.js';
import { InputError } from '../../../src/errors.js';
import { CALICO_KINDS } from '../../../src/policy/model/calico-kinds.js';
import { calicoSchemasForLint, loadCalicoSchemas } from '../../../src/policy/lint/index.js';
import { extractPolicySchemas } from '../../../src/policy/lint/calico-schemas.js';

const SHARED = '../shared/calico';
const MANIFEST_3_32 = `${SHARED}/v3.32.1/manifests/v1_crd_projectcalico_org.yaml`;
const V3_CRDS = `${SHARED}/v3.32.1/crds/projectcalico.org-v3`;
const OFFICIAL =
  'https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/v1_crd_projectcalico_org.yaml';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-schemas-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Json = Record<string, unknown>;

/** A fetch that answers with `body` and remembers what was asked for. */
function serving(body: Buffer): { fetchImpl: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchImpl = ((input: string | URL | Request) => {
    urls.push(String(input));
    return Promise.resolve(new Response(new Uint8Array(body)));
  }) as typeof fetch;
  return { fetchImpl, urls };
}

const offline = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;

/** Without CEL rules (the lint does not evaluate them) and descriptions-agnostic deep copy. */
function withoutCel(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutCel);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Json)
      .filter(([k]) => k !== 'x-kubernetes-validations')
      .map(([k, v]) => [k, withoutCel(v)]),
  );
}

describe('Calico schemas from the CRD manifest', () => {
  it('are the projectcalico.org/v3 CRD schemas for all 8 policy kinds (CEL rules and Tier status aside)', async () => {
    const calico = await loadCalicoSchemas({ artifactsDir: SHARED });
    const v3 = new Map<string, Json>();
    for (const f of readdirSync(V3_CRDS)) {
      const crd = load(readFileSync(join(V3_CRDS, f), 'utf8')) as {
        spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Json } }[] };
      };
      const version = crd.spec.versions.find((v) => v.name === 'v3');
      if (version) v3.set(crd.spec.names.kind, version.schema.openAPIV3Schema);
    }
    for (const kind of CALICO_KINDS) {
      const ours = withoutCel(calico.kinds[kind].schema) as Json;
      const theirs = withoutCel(v3.get(kind)) as Json;
      // v3's Tier status is typed (conditions); the lint accepts any status, as an export carries one.
      if (kind === 'Tier') {
        expect((ours['properties'] as Json)['status']).toEqual({
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        });
        delete (ours['properties'] as Json)['status'];
        delete (theirs['properties'] as Json)['status'];
      }
      expect(ours, kind).toEqual(theirs);
    }
  });

  it.each([
    ['NetworkPolicy', 'Namespaced'],
    ['GlobalNetworkPolicy', 'Cluster'],
    ['NetworkSet', 'Namespaced'],
    ['GlobalNetworkSet', 'Cluster'],
    ['Tier', 'Cluster'],
    ['StagedNetworkPolicy', 'Namespaced'],
    ['StagedGlobalNetworkPolicy', 'Cluster'],
    ['StagedKubernetesNetworkPolicy', 'Namespaced'],
  ] as const)('%s is %s', async (kind, scope) => {
    const calico = await loadCalicoSchemas({ artifactsDir: SHARED });
    expect(calico.kinds[kind].scope).toBe(scope);
  });

  it('default to the newest release in the catalog and are parsed once per process', async () => {
    const a = await loadCalicoSchemas({ artifactsDir: SHARED });
    const b = await loadCalicoSchemas({ artifactsDir: SHARED });
    expect(a).toMatchObject({ version: '3.32.1', verified: true });
    expect(b.kinds).toBe(a.kinds);
  });

  it('come from operator-crds.yaml for 3.31, the file that release installs its CRDs with', async () => {
    const calico = await loadCalicoSchemas({ artifactsDir: SHARED, version: '3.31.7' });
    expect(calico.source).toMatch(/v3\.31\.7\/manifests\/operator-crds\.yaml$/);
    expect(calico.sha256).toBe('380414d5756e9a1af29ddb1ad70cada07aa344ae7a2680ba7355248621f8adbf');
    expect(Object.keys(calico.kinds).sort()).toEqual([...CALICO_KINDS].sort());
  });

  it('are found however the manifest is laid out (every document parsed when the quick cut misses)', () => {
    const text = readFileSync(MANIFEST_3_32, 'utf8');
    const quick = extractPolicySchemas(text, 'a.yaml');
    // JSON is YAML too, but no line reads `name: networkpolicies.crd.projectcalico.org` there.
    const docs = loadAll(text);
    const asJson = docs.map((d) => JSON.stringify(d)).join('\n---\n');
    expect(asJson).not.toContain('name: networkpolicies.crd');
    expect(extractPolicySchemas(asJson, 'b.yaml')).toEqual(quick);
  });

  it('are refused from a file that lacks a policy CRD, naming the kinds missing', () => {
    const text = readFileSync(MANIFEST_3_32, 'utf8').replaceAll('kind: Tier\n', 'kind: Tear\n');
    expect(() => extractPolicySchemas(text, 'x.yaml')).toThrow(
      /x\.yaml has no crd\.projectcalico\.org CRD for Tier/,
    );
  });
});

describe('Calico schema manifest: where it comes from and its sha256', () => {
  it('is downloaded from the official URL into the cache when the cache lacks it, then read from there', async () => {
    const cacheDir = mkdtempSync(join(tmp, 'cache-'));
    const { fetchImpl, urls } = serving(readFileSync(MANIFEST_3_32));
    const first = await loadCalicoSchemas({ cacheDir, fetchImpl });
    expect(urls).toEqual([OFFICIAL]);
    expect(first.source).toBe(join(cacheDir, 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml'));
    expect(first.verified).toBe(true);
    await loadCalicoSchemas({ cacheDir, fetchImpl });
    expect(urls).toHaveLength(1);
  });

  it('is not kept when the download is not the release file', async () => {
    const cacheDir = mkdtempSync(join(tmp, 'cache-'));
    const { fetchImpl } = serving(Buffer.concat([readFileSync(MANIFEST_3_32), Buffer.from('# extra\n')]));
    await expect(loadCalicoSchemas({ cacheDir, fetchImpl })).rejects.toThrow(/sha256 .*refusing it/);
    expect(existsSync(join(cacheDir, 'v3.32.1'))).toBe(false);
  });

  it.each([
    ['--artifacts folder', true, /the file is altered or from another release/],
    ['cache', false, /^delete .*v1_crd_projectcalico_org\.yaml; the next run downloads it again$/],
  ])(
    'is refused, altered, from the %s: InputError naming the file and both sha256',
    async (_w, user, hint) => {
      const dir = mkdtempSync(join(tmp, 'altered-'));
      const file = join(dir, 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml');
      cpSync(MANIFEST_3_32, file);
      appendFileSync(file, '# one more line\n');
      const source = user ? { artifactsDir: dir } : { cacheDir: dir, fetchImpl: offline };
      const err = await loadCalicoSchemas(source).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      const problem = (err as InputError).problems[0];
      expect(problem?.message).toMatch(
        new RegExp(
          `^${file} has sha256 [0-9a-f]{64}, but v1_crd_projectcalico_org\\.yaml of Calico 3\\.32\\.1 has 192f8b2d`,
        ),
      );
      expect(problem?.hint).toMatch(hint);
      // Not a "could not have it" status that a lint would go on without.
      await expect(calicoSchemasForLint(source)).rejects.toBeInstanceOf(InputError);
    },
  );

  it('is never downloaded for a release picocal has no sha256 for, but taken from a folder the user names', async () => {
    const cacheDir = mkdtempSync(join(tmp, 'cache-'));
    const { fetchImpl, urls } = serving(readFileSync(MANIFEST_3_32));
    await expect(loadCalicoSchemas({ version: '3.30.7', cacheDir, fetchImpl })).rejects.toThrow(
      /no pinned sha256 for operator-crds\.yaml of Calico 3\.30\.7, so it will not download it/,
    );
    expect(urls).toEqual([]);
    const dir = mkdtempSync(join(tmp, 'user-'));
    cpSync(
      `${SHARED}/v3.31.7/manifests/operator-crds.yaml`,
      join(dir, 'v3.30.7/manifests/operator-crds.yaml'),
    );
    const calico = await loadCalicoSchemas({ version: '3.30.7', artifactsDir: dir });
    expect(calico).toMatchObject({ version: '3.30.7', verified: false });
  });

  it('offline with an empty cache: the lint is told why and how to get it, not failed', async () => {
    const cacheDir = mkdtempSync(join(tmp, 'cache-'));
    const { schemas, status } = await calicoSchemasForLint({ cacheDir, fetchImpl: offline });
    expect(schemas).toBeUndefined();
    expect(status).toEqual({
      checked: false,
      calicoVersion: '3.32.1',
      reason: `could not download ${OFFICIAL}: fetch failed`,
      hint: 'run `picocal artifacts fetch --version 3.32.1` where there is network, or pass --artifacts DIR holding v3.32.1/manifests/v1_crd_projectcalico_org.yaml',
    });
  });

  it('is an ArtifactError (the lint goes on without it) when the named folder lacks it', async () => {
    const err = await loadCalicoSchemas({ artifactsDir: mkdtempSync(join(tmp, 'empty-')) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArtifactError);
  });
});
