// The places inside a policy where rules, peers, ports and selectors live, as (path, value) pairs, so
// each lint rule is a loop over one of these rather than its own traversal.
import type { PathSegment } from '../../yaml/source-map.js';
import {
  asArray,
  isCalicoPolicy,
  isKubernetesShaped,
  isObject,
  type Json,
  type Resource,
} from './resource.js';

export type Direction = 'ingress' | 'egress';
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

export interface At<T> {
  path: PathSegment[];
  value: T;
}

function spec(r: Resource): Json {
  return isObject(r.value['spec']) ? r.value['spec'] : {};
}

export interface KubernetesRule extends At<Json> {
  direction: Direction;
}

/** `spec.ingress[i]` / `spec.egress[i]` of a Kubernetes-shaped policy. */
export function kubernetesRules(r: Resource): KubernetesRule[] {
  if (!isKubernetesShaped(r)) return [];
  const out: KubernetesRule[] = [];
  for (const direction of DIRECTIONS) {
    asArray(spec(r)[direction]).forEach((rule, i) => {
      if (isObject(rule)) out.push({ direction, path: ['spec', direction, i], value: rule });
    });
  }
  return out;
}

/** Peers of a Kubernetes rule: `from[j]` for ingress, `to[j]` for egress. */
export function kubernetesPeers(r: Resource): (At<Json> & { direction: Direction })[] {
  const out: (At<Json> & { direction: Direction })[] = [];
  for (const rule of kubernetesRules(r)) {
    const key = rule.direction === 'ingress' ? 'from' : 'to';
    asArray(rule.value[key]).forEach((peer, j) => {
      if (isObject(peer)) out.push({ direction: rule.direction, path: [...rule.path, key, j], value: peer });
    });
  }
  return out;
}

export function kubernetesPorts(r: Resource): (At<Json> & { direction: Direction })[] {
  const out: (At<Json> & { direction: Direction })[] = [];
  for (const rule of kubernetesRules(r)) {
    asArray(rule.value['ports']).forEach((port, j) => {
      if (isObject(port))
        out.push({ direction: rule.direction, path: [...rule.path, 'ports', j], value: port });
    });
  }
  return out;
}

/** Every `podSelector` / `namespaceSelector` label selector of a Kubernetes-shaped policy. */
export function kubernetesLabelSelectors(
  r: Resource,
): (At<Json> & { which: 'podSelector' | 'namespaceSelector' })[] {
  const out: (At<Json> & { which: 'podSelector' | 'namespaceSelector' })[] = [];
  if (!isKubernetesShaped(r)) return out;
  const top = spec(r)['podSelector'];
  if (isObject(top)) out.push({ which: 'podSelector', path: ['spec', 'podSelector'], value: top });
  for (const peer of kubernetesPeers(r)) {
    for (const which of ['podSelector', 'namespaceSelector'] as const) {
      const sel = peer.value[which];
      if (isObject(sel)) out.push({ which, path: [...peer.path, which], value: sel });
    }
  }
  return out;
}

export interface CalicoRule extends At<Json> {
  direction: Direction;
}

export function calicoRules(r: Resource): CalicoRule[] {
  if (!isCalicoPolicy(r)) return [];
  const out: CalicoRule[] = [];
  for (const direction of DIRECTIONS) {
    asArray(spec(r)[direction]).forEach((rule, i) => {
      if (isObject(rule)) out.push({ direction, path: ['spec', direction, i], value: rule });
    });
  }
  return out;
}

/** `source` / `destination` of every Calico rule. */
export function calicoEntities(
  r: Resource,
): (At<Json> & { rule: CalicoRule; side: 'source' | 'destination' })[] {
  const out: (At<Json> & { rule: CalicoRule; side: 'source' | 'destination' })[] = [];
  for (const rule of calicoRules(r)) {
    for (const side of ['source', 'destination'] as const) {
      const e = rule.value[side];
      if (isObject(e)) out.push({ rule, side, path: [...rule.path, side], value: e });
    }
  }
  return out;
}

/** Every Calico selector string of a policy, with the kind of thing it selects. */
export function calicoSelectors(r: Resource): (At<unknown> & { field: string })[] {
  const out: (At<unknown> & { field: string })[] = [];
  if (!isCalicoPolicy(r)) return out;
  const s = spec(r);
  for (const field of ['selector', 'namespaceSelector', 'serviceAccountSelector']) {
    if (s[field] !== undefined) out.push({ field, path: ['spec', field], value: s[field] });
  }
  for (const e of calicoEntities(r)) {
    for (const field of ['selector', 'notSelector', 'namespaceSelector']) {
      if (e.value[field] !== undefined) out.push({ field, path: [...e.path, field], value: e.value[field] });
    }
    const sa = e.value['serviceAccounts'];
    if (isObject(sa) && sa['selector'] !== undefined) {
      out.push({
        field: 'serviceAccounts.selector',
        path: [...e.path, 'serviceAccounts', 'selector'],
        value: sa['selector'],
      });
    }
  }
  return out;
}

export function policySpec(r: Resource): Json {
  return spec(r);
}
