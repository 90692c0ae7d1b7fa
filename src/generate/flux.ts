// Flux objects that keep a cluster's policies equal to a Git folder: a GitRepository (source.toolkit
// .fluxcd.io/v1) and a Kustomization (kustomize.toolkit.fluxcd.io/v1, where `prune` is required: the
// guide's v1beta2 is gone), plus the kustomization.yaml in the folder that lists the policy files.
import { dump } from 'js-yaml';
import { InputError, type InputProblem } from '../errors.js';

export interface FluxOptions {
  repo: string;
  branch: string;
  /** Folder in the repository, as Flux reads it: `./policies`. */
  path: string;
  interval: string;
  name: string;
  namespace: string;
}

// The patterns Flux's CRDs enforce on these fields, so a bad value fails here and not in the cluster.
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const GIT_URL = /^(http|https|ssh):\/\/.+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkFluxOptions(o: FluxOptions): void {
  const problems: InputProblem[] = [];
  if (!GIT_URL.test(o.repo))
    problems.push({
      field: '--repo',
      message: `'${o.repo}' is not a URL Flux accepts`,
      hint: 'use https://host/org/repo or ssh://git@host/org/repo (scp-style git@host:org/repo is rejected)',
    });
  if (!DURATION.test(o.interval))
    problems.push({
      field: '--interval',
      message: `'${o.interval}' is not a duration`,
      hint: 'e.g. 10m, 1h, 30s',
    });
  if (!o.branch.trim()) problems.push({ field: '--branch', message: 'the branch is empty' });
  if (o.path.startsWith('/') || o.path.split('/').includes('..'))
    problems.push({
      field: '--path',
      message: `'${o.path}' is not a folder inside the repository`,
      hint: 'give it relative to the repository root, e.g. ./policies',
    });
  for (const [flag, v] of [
    ['--name', o.name],
    ['--namespace', o.namespace],
  ] as const)
    if (!DNS_LABEL.test(v) || v.length > 63)
      problems.push({
        field: flag,
        message: `'${v}' is not a valid Kubernetes name`,
        hint: 'lowercase letters, digits and -',
      });
  if (problems.length) throw new InputError('bad gitops flux options', problems);
}

/** `./policies` as Flux wants it: relative, `./`-prefixed, no trailing slash. */
export function fluxPath(path: string): string {
  const trimmed = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? './' : `./${trimmed}`;
}

export function fluxObjects(o: FluxOptions): Record<string, unknown>[] {
  const metadata = { name: o.name, namespace: o.namespace };
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata,
      spec: { interval: o.interval, url: o.repo, ref: { branch: o.branch } },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata,
      spec: {
        interval: o.interval,
        path: fluxPath(o.path),
        // Deleting a policy file from Git deletes the policy from the cluster.
        prune: true,
        sourceRef: { kind: 'GitRepository', name: o.name },
      },
    },
  ];
}

export function kustomizationYaml(resources: readonly string[]): Record<string, unknown> {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] };
}

export function yamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => dump(o, { lineWidth: -1, noRefs: true })).join('---\n');
}
