// LAB ONLY: part of the Kubernetes API stand-in. Discovery documents in their plain (unaggregated)
// form, which kubectl accepts after asking for the aggregated apidiscovery.k8s.io/v2 form: /api,
// /apis, and one APIResourceList per group version, with verbs, scope, kind and short names
// (`kubectl get ds` resolves only through shortNames).
import { VERBS, type ResourceType } from './resource-types.js';
import type { TypeRegistry } from './type-registry.js';

/**
 * The Kubernetes version the lab's API server reports unless `lab up --kubernetes-version` says otherwise:
 * a k3s release, as the boards would run, inside every catalog release's tested range but 3.29's.
 */
export const LAB_KUBERNETES_VERSION = 'v1.34.3+k3s1';

/**
 * GET /version as kube-apiserver answers it (k8s.io/apimachinery/pkg/version.Info: major and minor as
 * strings, gitVersion such as "v1.34.3+k3s1" on k3s).
 */
export function serverVersion(gitVersion: string = LAB_KUBERNETES_VERSION): object {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '',
    minor: m?.[2] ?? '',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.24.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versions: string[]): object {
  const vs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function groupList(registry: TypeRegistry): object {
  const groups = [...registry.groups()].filter(([g]) => g !== '').map(([g, vs]) => groupEntry(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function group(registry: TypeRegistry, name: string): object | undefined {
  const vs = registry.groups().get(name);
  return vs && name ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name, vs) } : undefined;
}

function subresourceEntry(t: ResourceType, sub: string): object {
  return sub === 'scale'
    ? {
        name: `${t.plural}/scale`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      }
    : {
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get', 'patch', 'update'],
      };
}

export function resourceList(registry: TypeRegistry, group: string, version: string): object | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    },
    ...t.subresources.map((s) => subresourceEntry(t, s)),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
