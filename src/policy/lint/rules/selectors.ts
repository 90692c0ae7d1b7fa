// Selectors: Calico selector strings must parse; Kubernetes label selectors must be well formed; and
// two selectors that parse but select nothing: a service account as a pod label, and a namespace by a
// `name` label that namespaces do not have.
import { parseSelectorCached, SelectorParseError, walk } from '../../selector/index.js';
import type { PathSegment } from '../../../yaml/source-map.js';
import { RULES } from '../catalog.js';
import { asArray, asString, describe, isObject, locate, type Json, type Resource } from '../resource.js';
import type { LintContext } from '../rule.js';
import { calicoSelectors, kubernetesLabelSelectors, kubernetesPeers } from '../walk.js';

const SERVICE_ACCOUNT_KEY = /^(spec\.)?service-?account(-?name)?$/i;
const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const NAMESPACE_NAME_HINT =
  'select the namespace by `kubernetes.io/metadata.name: kube-system` (Kubernetes sets it on every namespace), or add the `name` label to the namespace yourself';

/** Keys a Kubernetes label selector tests. */
function labelKeys(sel: Json): { key: string; path: PathSegment[] }[] {
  const out: { key: string; path: PathSegment[] }[] = [];
  if (isObject(sel['matchLabels'])) {
    for (const key of Object.keys(sel['matchLabels'])) out.push({ key, path: ['matchLabels', key] });
  }
  asArray(sel['matchExpressions']).forEach((e, i) => {
    const key = isObject(e) ? asString(e['key']) : undefined;
    if (key !== undefined) out.push({ key, path: ['matchExpressions', i, 'key'] });
  });
  return out;
}

/** Columns from the start of a YAML scalar to its first character of content (skip a quote). */
function contentOffset(r: Resource, path: PathSegment[]): number {
  const loc = locate(r, path);
  const line = r.source.text.split('\n', loc.line)[loc.line - 1] ?? '';
  const ch = line[loc.column - 1];
  return ch === '"' || ch === "'" ? 1 : 0;
}

function checkKubernetesSelector(ctx: LintContext, r: Resource, path: PathSegment[], sel: Json): void {
  asArray(sel['matchExpressions']).forEach((e, i) => {
    if (!isObject(e)) return;
    const op = asString(e['operator']);
    const values = e['values'];
    const at: PathSegment[] = [...path, 'matchExpressions', i];
    if (op === undefined || !OPERATORS.has(op)) {
      ctx.report(
        RULES.invalidSelector,
        r,
        [...at, 'operator'],
        `${describe(r)}: operator ${JSON.stringify(e['operator'] ?? null)} is not In, NotIn, Exists or DoesNotExist`,
      );
    } else if ((op === 'In' || op === 'NotIn') && asArray(values).length === 0) {
      ctx.report(
        RULES.invalidSelector,
        r,
        at,
        `${describe(r)}: operator ${op} needs a non-empty values list`,
      );
    } else if ((op === 'Exists' || op === 'DoesNotExist') && asArray(values).length > 0) {
      ctx.report(
        RULES.invalidSelector,
        r,
        [...at, 'values'],
        `${describe(r)}: operator ${op} must not have values`,
        'remove values',
      );
    }
  });
  for (const { key, path: keyPath } of labelKeys(sel)) {
    if (SERVICE_ACCOUNT_KEY.test(key)) {
      ctx.report(
        RULES.serviceAccountLabel,
        r,
        [...path, ...keyPath],
        `${describe(r)}: '${key}' is not a pod label, so this selector selects no pod; a Kubernetes NetworkPolicy cannot select pods by service account`,
        'use a Calico NetworkPolicy: `serviceAccountSelector` on the policy, or `source.serviceAccounts.names: [prometheus-scraper]` in a rule',
      );
    }
  }
}

export function checkKubernetesSelectors(ctx: LintContext): void {
  for (const r of ctx.resources) {
    for (const s of kubernetesLabelSelectors(r)) {
      checkKubernetesSelector(ctx, r, s.path, s.value);
      if (s.which !== 'namespaceSelector') continue;
      for (const { key, path } of labelKeys(s.value)) {
        if (key === 'name') {
          ctx.report(
            RULES.namespaceNameLabel,
            r,
            [...s.path, ...path],
            `${describe(r)}: namespaces have no 'name' label unless someone adds it, so this selector matches no namespace`,
            NAMESPACE_NAME_HINT,
          );
        }
      }
    }
    for (const peer of kubernetesPeers(r)) {
      if (peer.direction !== 'egress') continue;
      const ns = peer.value['namespaceSelector'];
      if (isObject(ns) && Object.keys(ns).length === 0 && peer.value['podSelector'] === undefined) {
        ctx.report(
          RULES.namespaceSelectorAsInternet,
          r,
          [...peer.path, 'namespaceSelector'],
          `${describe(r)}: \`namespaceSelector: {}\` allows egress to every pod in every namespace, but to no address outside the cluster`,
          'to reach the internet use `ipBlock: {cidr: 0.0.0.0/0, except: [<pod CIDR>, <service CIDR>]}` (picocal policy new internet-egress); to reach all pods, keep this',
        );
      }
    }
  }
}

export function checkCalicoSelectors(ctx: LintContext): void {
  for (const r of ctx.resources) {
    for (const s of calicoSelectors(r)) {
      if (typeof s.value !== 'string') continue; // the schema check reports the type
      let parsed;
      try {
        parsed = parseSelectorCached(s.value);
      } catch (err) {
        if (!(err instanceof SelectorParseError)) throw err;
        const offset = s.value.includes('\n') ? 0 : contentOffset(r, s.path) + err.position;
        ctx.report(
          RULES.invalidSelector,
          r,
          s.path,
          `${describe(r)}: ${s.field} ${JSON.stringify(s.value)} does not parse: ${err.reason} (at character ${err.position + 1})`,
          err.hint ?? 'Calico selectors look like: app == "web" && has(tier)',
          { columnOffset: offset },
        );
        continue;
      }
      if (s.field !== 'namespaceSelector') continue;
      let usesName = false;
      walk(parsed.root, (node) => {
        if ('key' in node && node.key === 'name') usesName = true;
      });
      if (usesName) {
        ctx.report(
          RULES.namespaceNameLabel,
          r,
          s.path,
          `${describe(r)}: namespaceSelector ${JSON.stringify(s.value)} tests a 'name' label that namespaces do not have by default`,
          "use projectcalico.org/name == 'kube-system' or kubernetes.io/metadata.name == 'kube-system'",
        );
      }
    }
  }
}
