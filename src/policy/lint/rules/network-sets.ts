// Network sets are only useful when a Calico policy selects them by label. An unlabeled set can never
// be selected, and a Kubernetes NetworkPolicy cannot refer to one at all.
import { parseSelectorCached, type Selector } from '../../selector/index.js';
import { RULES } from '../catalog.js';
import { asString, describe, isCalicoKind, isGlobal, isObject, type Resource } from '../resource.js';
import type { LintContext } from '../rule.js';
import { calicoEntities } from '../walk.js';

interface SetSelector {
  selector: Selector;
  /** Namespace the selector is confined to (a namespaced policy's rule without namespaceSelector). */
  namespace: string | undefined;
  /** The rule has a namespaceSelector: it may reach sets in other namespaces, or global ones. */
  namespaceSelector: Selector | undefined;
}

function tryParse(text: unknown): Selector | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseSelectorCached(text);
  } catch {
    return undefined; // reported by the selector check
  }
}

function ruleSelectors(resources: readonly Resource[]): SetSelector[] {
  const out: SetSelector[] = [];
  for (const r of resources) {
    for (const e of calicoEntities(r)) {
      const selector = tryParse(e.value['selector']);
      if (!selector) continue;
      const namespaceSelector =
        e.value['namespaceSelector'] === undefined ? undefined : tryParse(e.value['namespaceSelector']);
      out.push({
        selector,
        namespaceSelector,
        namespace: isGlobal(r) ? undefined : (r.namespace ?? 'default'),
      });
    }
  }
  return out;
}

function selects(s: SetSelector, set: Resource, labels: Record<string, string>): boolean {
  const global = isCalicoKind(set, 'GlobalNetworkSet');
  if (s.namespaceSelector) {
    // Namespace labels are not in the files: assume the namespace part can match a namespaced set.
    if (global && !s.namespaceSelector.matches({}, { global: true })) return false;
  } else if (s.namespace !== undefined && (global || s.namespace !== (set.namespace ?? 'default'))) {
    return false;
  }
  const withNamespace = global
    ? labels
    : { ...labels, 'projectcalico.org/namespace': set.namespace ?? 'default' };
  return s.selector.matches(withNamespace, { global });
}

export function checkNetworkSets(ctx: LintContext): void {
  const sets = ctx.resources.filter((r) => isCalicoKind(r, 'NetworkSet', 'GlobalNetworkSet'));
  if (sets.length === 0) return;
  const selectors = ruleSelectors(ctx.resources);
  for (const set of sets) {
    const metadata = isObject(set.value['metadata']) ? set.value['metadata'] : {};
    const raw = isObject(metadata['labels']) ? metadata['labels'] : {};
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      const s = asString(v);
      if (s !== undefined) labels[k] = s;
    }
    if (Object.keys(labels).length === 0) {
      ctx.report(
        RULES.networkSetUnlabeled,
        set,
        ['metadata'],
        `${describe(set)} has no labels, so no policy can select it and its nets are never used`,
        "label it (metadata.labels: {role: external-apis}) and select it from a Calico policy rule: destination: {selector: role == 'external-apis'}",
        { key: true },
      );
      continue;
    }
    if (!selectors.some((s) => selects(s, set, labels))) {
      ctx.report(
        RULES.networkSetUnselected,
        set,
        ['metadata', 'labels'],
        `${describe(set)} is selected by no Calico policy rule in these files (a Kubernetes NetworkPolicy cannot refer to network sets)`,
        'select it from a Calico NetworkPolicy rule (destination.selector matching its labels), or lint it together with the policies that use it',
        { key: true },
      );
    }
  }
}
