import { describe, expect, it } from 'vitest';
import { splitClusterList } from '../../../src/health/cluster-list.js';

const pod = (name: string, namespace: string, app?: string) => ({
  kind: 'Pod',
  metadata: { name, namespace, ...(app ? { labels: { 'k8s-app': app } } : {}) },
});
const tigera = (name: string) => ({ kind: 'TigeraStatus', metadata: { name } });
const installation = (name: string) => ({ kind: 'Installation', metadata: { name } });
const list = (...items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const names = (body: string | undefined) =>
  (JSON.parse(body ?? '{}') as { items?: { metadata: { name: string } }[] }).items?.map(
    (i) => i.metadata.name,
  );

describe('splitClusterList: the one kubectl answer as the four the checks read', () => {
  const node = pod('calico-node-a', 'calico-system', 'calico-node');
  const typha = pod('calico-typha-a', 'calico-system', 'calico-typha');
  // Labelled calico-node but in another namespace: `-n calico-system -l k8s-app=calico-node` leaves it out.
  const stray = pod('calico-node-x', 'default', 'calico-node');
  const web = pod('web', 'default');
  const cases = [
    {
      what: 'everything present',
      text: list(node, typha, stray, web, tigera('calico'), installation('default')),
      calicoNode: ['calico-node-a'],
      all: ['calico-node-a', 'calico-typha-a', 'calico-node-x', 'web'],
      missing: [],
    },
    {
      what: 'only other TigeraStatuses and Installations',
      text: list(node, tigera('apiserver'), installation('other')),
      calicoNode: ['calico-node-a'],
      all: ['calico-node-a'],
      missing: ['tigerastatus', 'installation'],
    },
    {
      what: 'no pods at all',
      text: list(tigera('calico'), installation('default')),
      calicoNode: [],
      all: [],
      missing: [],
    },
  ];
  it.each(cases)('$what', ({ text, calicoNode, all, missing }) => {
    const split = splitClusterList(text)!;
    expect(names(split.sections.get('pods')?.body)).toEqual(calicoNode);
    expect(names(split.sections.get('allpods')?.body)).toEqual(all);
    expect(split.missing).toEqual(missing);
    for (const s of split.sections.values()) expect(s.code).toBe(0);
    if (!missing.includes('tigerastatus'))
      expect(JSON.parse(split.sections.get('tigerastatus')?.body ?? '{}')).toEqual(tigera('calico'));
    if (!missing.includes('installation'))
      expect(JSON.parse(split.sections.get('installation')?.body ?? '{}')).toEqual(installation('default'));
  });

  it.each([
    ['not JSON', 'error: the server does not have a resource type "tigerastatus"'],
    ['a single object, not a List', JSON.stringify(tigera('calico'))],
    ['JSON null', 'null'],
  ])('gives no answer for %s (the caller asks one by one)', (_what, text) => {
    expect(splitClusterList(text)).toBeUndefined();
  });
});
