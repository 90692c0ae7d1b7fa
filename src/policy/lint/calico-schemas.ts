// Calico's OpenAPI schemas of the policy kinds, read at run time from the release's CRD manifest (the
// file bootstrap installs), sha256-checked against the version catalog. picocal ships no copy of them:
// the manifest comes from the artifacts cache, from a folder the user names, or from the official URL.
//
// The manifest holds the crd.projectcalico.org/v1 CRDs. Their schemas are the projectcalico.org/v3
// spec users write (same fields, types and enums; compared for 3.32.1), except that v1 does not
// require metadata and spec and has no Tier status; both are put back here.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { YAML_LOAD_LIMITS } from '../../yaml/yaml-limits.js';
import {
  ArtifactError,
  defaultCacheDir,
  downloadVerified,
  manifestPath,
  sha256,
} from '../../artifacts/artifacts.js';
import {
  latestRelease,
  manifestUrl,
  requireRelease,
  type CalicoRelease,
  type ManifestFile,
} from '../../catalog/versions.js';
import { InputError } from '../../errors.js';
import { CALICO_KINDS, type CalicoKind } from '../model/calico-kinds.js';

type Json = Record<string, unknown>;

export interface CalicoKindSchema {
  scope: string;
  /** The kind's openAPIV3Schema, as Calico wrote it plus the v3 differences above. */
  schema: Json;
}

export interface CalicoSchemas {
  /** Calico version, e.g. "3.32.1". */
  version: string;
  /** The manifest the schemas were read from. */
  source: string;
  sha256: string;
  /** The sha256 matched picocal's pin (false: unpinned release, file from a folder the user named). */
  verified: boolean;
  kinds: Readonly<Record<CalicoKind, CalicoKindSchema>>;
}

export interface CalicoSchemaOptions {
  /** Calico version (default: the newest release in picocal's catalog). */
  version?: string;
  /** A folder the user named (layout DIR/<tag>/manifests/): used as is, never downloaded into. */
  artifactsDir?: string;
  cacheDir?: string;
  /** Download a pinned manifest the cache lacks (default true). */
  download?: boolean;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** The crd.projectcalico.org CRD of each kind, by metadata.name's first label. */
const CRD_PLURALS: Record<CalicoKind, string> = {
  NetworkPolicy: 'networkpolicies',
  GlobalNetworkPolicy: 'globalnetworkpolicies',
  NetworkSet: 'networksets',
  GlobalNetworkSet: 'globalnetworksets',
  Tier: 'tiers',
  StagedNetworkPolicy: 'stagednetworkpolicies',
  StagedGlobalNetworkPolicy: 'stagedglobalnetworkpolicies',
  StagedKubernetesNetworkPolicy: 'stagedkubernetesnetworkpolicies',
};

const CRD_GROUP = 'crd.projectcalico.org';

/** A lint waits this long for the manifest, not the bootstrap's five minutes: it can go on without it. */
const DOWNLOAD_DEADLINE_MS = 60_000;

/** The release file that carries Calico's CRDs: its own manifest since 3.30, tigera-operator.yaml before. */
export function crdManifest(release: CalicoRelease): ManifestFile {
  return release.crds ?? release.operator;
}

/**
 * The policy kinds' schemas of a Calico release. Throws ArtifactError when the manifest cannot be had
 * (not cached, no network, not in the named folder, no pinned sha256 to download it with), and
 * InputError when a file is there but is not the release's (its sha256 differs from the pin).
 */
export async function loadCalicoSchemas(opts: CalicoSchemaOptions = {}): Promise<CalicoSchemas> {
  const release = opts.version ? requireRelease(opts.version) : latestRelease();
  const file = crdManifest(release);
  const userDir = opts.artifactsDir ? resolve(opts.artifactsDir) : undefined;
  const dir = userDir ?? opts.cacheDir ?? defaultCacheDir();
  const path = manifestPath(dir, release, file);
  if (!existsSync(path)) await fetchMissing(release, file, path, userDir, opts);
  const data = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new ArtifactError(
      `cannot read ${path}: ${err.code ?? err.message}`,
      'make the file readable, or pass --artifacts DIR',
      err,
    );
  });
  const digest = sha256(data);
  if (file.sha256 && digest !== file.sha256) {
    throw new InputError(`Calico ${release.version}'s CRD manifest is not the release's file`, [
      {
        message: `${path} has sha256 ${digest}, but ${file.name} of Calico ${release.version} has ${file.sha256}`,
        hint: userDir
          ? `the file is altered or from another release: replace it with ${manifestUrl(release, file)}`
          : `delete ${path}; the next run downloads it again`,
      },
    ]);
  }
  if (!file.sha256 && !userDir) {
    throw new ArtifactError(
      `picocal has no pinned sha256 for ${file.name} of Calico ${release.version}`,
      `verify ${manifestUrl(release, file)} yourself and pass its folder with --artifacts DIR (DIR/${release.tag}/manifests/${file.name})`,
    );
  }
  return {
    version: release.version,
    source: path,
    sha256: digest,
    verified: Boolean(file.sha256),
    kinds: parsedKinds(digest, data, path),
  };
}

async function fetchMissing(
  release: CalicoRelease,
  file: ManifestFile,
  path: string,
  userDir: string | undefined,
  opts: CalicoSchemaOptions,
): Promise<void> {
  const fetchHint = `run \`picocal artifacts fetch --version ${release.version}\` where there is network, or pass --artifacts DIR holding ${release.tag}/manifests/${file.name}`;
  if (userDir) {
    throw new ArtifactError(
      `${file.name} of Calico ${release.version} is not in ${dirname(path)}`,
      `download ${manifestUrl(release, file)} into that folder, or leave out --artifacts to use the cache`,
    );
  }
  if (opts.download === false) {
    throw new ArtifactError(
      `${file.name} of Calico ${release.version} is not in the cache (${path})`,
      fetchHint,
    );
  }
  if (!file.sha256) {
    throw new ArtifactError(
      `picocal has no pinned sha256 for ${file.name} of Calico ${release.version}, so it will not download it`,
      `verify ${manifestUrl(release, file)} yourself and pass its folder with --artifacts DIR (DIR/${release.tag}/manifests/${file.name})`,
    );
  }
  const base = opts.fetchImpl ?? fetch;
  const fetchImpl: typeof fetch = (input, init) =>
    base(input, {
      ...init,
      signal: AbortSignal.any([
        AbortSignal.timeout(DOWNLOAD_DEADLINE_MS),
        ...(init?.signal ? [init.signal] : []),
        ...(opts.signal ? [opts.signal] : []),
      ]),
    });
  try {
    await downloadVerified(manifestUrl(release, file), file.sha256, path, {
      fetchImpl,
      ...(opts.log ? { log: opts.log } : {}),
    });
  } catch (err) {
    if (!(err instanceof ArtifactError)) throw err;
    throw new ArtifactError(err.message, fetchHint, err.cause);
  }
}

// Parsed once per process and manifest content: the manifest is ~3 MB, the 8 CRDs ~100 KB of it.
const parsed = new Map<string, Record<CalicoKind, CalicoKindSchema>>();

function parsedKinds(digest: string, data: Buffer, path: string): Record<CalicoKind, CalicoKindSchema> {
  let kinds = parsed.get(digest);
  if (!kinds) {
    kinds = extractPolicySchemas(data.toString('utf8'), path);
    parsed.set(digest, kinds);
  }
  return kinds;
}

/**
 * The policy kinds' schemas from a multi-document CRD manifest. Parsing all of it with js-yaml takes
 * about a second, so the documents are cut apart at their `---` lines and only those that name a policy
 * CRD are parsed; every one is still checked after parsing, and the whole file is parsed if the cut
 * misses a kind.
 */
export function extractPolicySchemas(text: string, file: string): Record<CalicoKind, CalicoKindSchema> {
  const found = new Map<CalicoKind, CalicoKindSchema>();
  const documents = text.split(/^---[ \t]*\r?$/m);
  for (const kind of CALICO_KINDS) {
    const name = `name: ${CRD_PLURALS[kind]}.${CRD_GROUP}`;
    for (const doc of documents) {
      if (!doc.includes(name)) continue;
      const schema = policySchema(safeLoad(doc, file), kind);
      if (schema) {
        found.set(kind, schema);
        break;
      }
    }
  }
  if (found.size < CALICO_KINDS.length) {
    for (const doc of safeLoadAll(text, file)) {
      for (const kind of CALICO_KINDS) {
        const schema = found.has(kind) ? undefined : policySchema(doc, kind);
        if (schema) found.set(kind, schema);
      }
    }
  }
  const missing = CALICO_KINDS.filter((k) => !found.has(k));
  if (missing.length > 0) {
    throw new ArtifactError(
      `${file} has no ${CRD_GROUP} CRD for ${missing.join(', ')}`,
      "it is not a Calico CRD manifest: pass the release's own file",
    );
  }
  return Object.fromEntries(found) as Record<CalicoKind, CalicoKindSchema>;
}

function policySchema(doc: unknown, kind: CalicoKind): CalicoKindSchema | undefined {
  if (!isObject(doc) || doc['kind'] !== 'CustomResourceDefinition' || !isObject(doc['spec']))
    return undefined;
  const spec = doc['spec'];
  if (spec['group'] !== CRD_GROUP || !isObject(spec['names']) || spec['names']['kind'] !== kind) {
    return undefined;
  }
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isObject) : [];
  const version = versions.find((v) => v['name'] === 'v1') ?? versions.find((v) => v['storage'] === true);
  const schema = isObject(version?.['schema']) ? version['schema']['openAPIV3Schema'] : undefined;
  if (!isObject(schema)) return undefined;
  return { scope: String(spec['scope']), schema: asV3(kind, schema) };
}

/** The v3 API's differences from the v1 storage CRD (see the file comment). */
function asV3(kind: CalicoKind, v1: Json): Json {
  const schema: Json = { ...v1 };
  if (schema['required'] === undefined) schema['required'] = ['metadata', 'spec'];
  const properties = isObject(schema['properties']) ? { ...schema['properties'] } : {};
  // Tier has a read-only status in v3; a `kubectl get -o yaml` export carries it.
  if (kind === 'Tier' && properties['status'] === undefined) {
    properties['status'] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  schema['properties'] = properties;
  return schema;
}

function safeLoad(text: string, file: string): unknown {
  try {
    return load(text, YAML_LOAD_LIMITS);
  } catch (err) {
    throw notYaml(file, err);
  }
}

function safeLoadAll(text: string, file: string): unknown[] {
  try {
    return loadAll(text, YAML_LOAD_LIMITS);
  } catch (err) {
    throw notYaml(file, err);
  }
}

function notYaml(file: string, err: unknown): ArtifactError {
  return new ArtifactError(
    `${file} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`,
    "pass the release's own CRD manifest",
    err,
  );
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
