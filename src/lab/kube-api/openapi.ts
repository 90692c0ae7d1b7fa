// LAB ONLY: part of the Kubernetes API stand-in. Just enough OpenAPI v3 for kubectl 1.32 to see that
// the server validates fields itself: for every resource path, post/put/patch operations that take a
// `fieldValidation` query parameter and carry `x-kubernetes-group-version-kind`, plus a schema per kind
// with the same extension. kubectl then sends `?fieldValidation=Strict`. Schemas are open
// (`x-kubernetes-preserve-unknown-fields`). kubectl asks for /openapi/v2 only for a kind no group
// version lists (an apiVersion the server does not serve); a real server's v2 document has no schema
// for it either, so kubectl skips client-side validation and reports the missing kind ("no matches for
// kind"). The stand-in serves an empty v2 document for that.
import { createHash } from 'node:crypto';
import { groupVersion, type ResourceType } from './resource-types.js';
import type { TypeRegistry } from './type-registry.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function hashOf(types: ResourceType[]): string {
  const h = createHash('sha512');
  for (const t of types) h.update(`${t.plural}|${t.kind}|${t.namespaced}|${t.subresources.join(',')}\n`);
  return h.digest('hex').slice(0, 64).toUpperCase();
}

function typesOf(registry: TypeRegistry, group: string, version: string): ResourceType[] {
  return registry.all().filter((t) => t.group === group && t.version === version);
}

export function openapiIndex(registry: TypeRegistry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groups()) {
    for (const version of versions) {
      const p = gvPath(group, version);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(typesOf(registry, group, version))}` };
    }
  }
  return { paths };
}

function schemaName(t: ResourceType): string {
  const g = t.group ? t.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${g}.${t.version}.${t.kind}`;
}

const param = (name: string): object => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
});

export function openapiGroupVersion(registry: TypeRegistry, path: string): object | undefined {
  const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3] ?? '';
  const types = typesOf(registry, group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
    const body = { content: { 'application/json': { schema: ref } } };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const write = (action: string, extra: string[] = []): object => ({
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation'), ...extra.map(param)],
      requestBody: body,
      responses: ok,
    });
    const base = `/${gvPath(t.group, t.version)}/${t.namespaced ? 'namespaces/{namespace}/' : ''}${t.plural}`;
    paths[base] = {
      get: {
        operationId: `list${t.kind}`,
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': gvk,
        responses: ok,
      },
      post: write('post'),
    };
    paths[`${base}/{name}`] = {
      get: {
        operationId: `read${t.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        responses: ok,
      },
      put: write('put'),
      patch: write('patch', ['force']),
      delete: {
        operationId: `delete${t.kind}`,
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': gvk,
        responses: ok,
      },
    };
    for (const sub of t.subresources) {
      paths[`${base}/{name}/${sub}`] = { put: write('put'), patch: write('patch', ['force']) };
    }
    schemas[schemaName(t)] = {
      type: 'object',
      description: `${t.kind} (${groupVersion(t)}), served by picocal's lab-only API stand-in`,
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (picocal lab stand-in)', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

/** An empty OpenAPI v2 document: JSON, or the protobuf kubectl asks for (gnostic openapi_v2.Document). */
export function openapiV2(accept: string): { contentType: string; body: Buffer } {
  const title = 'Kubernetes (picocal lab stand-in)';
  const version = 'v1.32.0';
  if (!accept.includes('protobuf')) {
    const doc = { swagger: '2.0', info: { title, version }, paths: {}, definitions: {} };
    return { contentType: 'application/json', body: Buffer.from(JSON.stringify(doc)) };
  }
  // One length-delimited field, Document.swagger (1) = "2.0": no paths, no definitions.
  return {
    contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    body: Buffer.from([(1 << 3) | 2, 3, ...Buffer.from('2.0')]),
  };
}
