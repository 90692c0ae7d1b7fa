// The cluster side in one kubectl call: `kubectl get pods,tigerastatus,installation --all-namespaces -o json`
// answers with one List whose items carry their own `kind` (kubectl's multi-resource get:
// https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/ — "kubectl get rc,services", and
// `-o json` prints a v1 List). This splits that List into the four answers the checks read, each in the
// shape the single-resource call prints, so the checks and their messages stay the same. An object the
// List does not hold (no TigeraStatus `calico` yet) is left missing: the caller asks for it by name, so
// kubectl's own "not found" message is what the user sees, as before.
import type { ProbeSection } from './probe-output.js';

/** The cluster probe's single-resource sections, in the order the checks read them. */
export const CLUSTER_SECTIONS = ['pods', 'tigerastatus', 'installation', 'allpods'] as const;
export type ClusterSection = (typeof CLUSTER_SECTIONS)[number];

interface Item {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
}

export interface SplitList {
  sections: Map<ClusterSection, ProbeSection>;
  /** Sections the List could not answer (asked for again by name). */
  missing: ClusterSection[];
}

const ok = (doc: unknown): ProbeSection => ({ body: JSON.stringify(doc), code: 0 });

/** undefined when the text is not a List (the caller then asks the four questions one by one). */
export function splitClusterList(text: string): SplitList | undefined {
  let doc: { kind?: string; items?: Item[] };
  try {
    doc = JSON.parse(text) as { kind?: string; items?: Item[] };
  } catch {
    return undefined;
  }
  if (!doc || !Array.isArray(doc.items)) return undefined;
  const items = doc.items;
  const pods = items.filter((i) => i.kind === 'Pod');
  // The same selection as `-n calico-system -l k8s-app=calico-node`.
  const calicoNode = pods.filter(
    (p) => p.metadata?.namespace === 'calico-system' && p.metadata.labels?.['k8s-app'] === 'calico-node',
  );
  const named = (kind: string, name: string) =>
    items.find((i) => i.kind === kind && i.metadata?.name === name);
  const sections = new Map<ClusterSection, ProbeSection>([
    ['pods', ok({ kind: 'List', items: calicoNode })],
    ['allpods', ok({ kind: 'List', items: pods })],
  ]);
  const missing: ClusterSection[] = [];
  const tigera = named('TigeraStatus', 'calico');
  if (tigera) sections.set('tigerastatus', ok(tigera));
  else missing.push('tigerastatus');
  const installation = named('Installation', 'default');
  if (installation) sections.set('installation', ok(installation));
  else missing.push('installation');
  return { sections, missing };
}
