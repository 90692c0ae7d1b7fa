import { describe, expect, it } from 'vitest';
import { calicoRegistry, releaseImages } from '../../../src/catalog/images.js';
import { CATALOG, requireRelease } from '../../../src/catalog/versions.js';

// Read at each operator tag: tigera/operator pkg/components/images.go (CalicoRegistry) and calico.go.
const table = [
  {
    version: '3.32.1',
    registry: 'quay.io',
    operator: 'quay.io/tigera/operator:v1.42.3',
    count: 12,
    goldmane: true,
  },
  {
    version: '3.31.7',
    registry: 'quay.io',
    operator: 'quay.io/tigera/operator:v1.40.15',
    count: 12,
    goldmane: true,
  },
  {
    version: '3.30.7',
    registry: 'quay.io',
    operator: 'quay.io/tigera/operator:v1.38.13',
    count: 12,
    goldmane: true,
  },
  {
    version: '3.29.7',
    registry: 'docker.io',
    operator: 'quay.io/tigera/operator:v1.36.16',
    count: 9,
    goldmane: false,
  },
];

describe('the images each Calico release needs on the boards', () => {
  it('covers every release of the catalog', () => {
    expect(table.map((t) => t.version).sort()).toEqual(CATALOG.map((r) => r.version).sort());
  });

  it.each(table)(
    'Calico $version: images from $registry, the operator first',
    ({ version, registry, operator, count, goldmane }) => {
      const r = requireRelease(version);
      const images = releaseImages(r);
      expect(calicoRegistry(r)).toBe(registry);
      expect(images).toHaveLength(count);
      expect(images[0]?.ref).toBe(operator);
      const refs = images.map((i) => i.ref);
      for (const name of [
        'node',
        'cni',
        'pod2daemon-flexvol',
        'csi',
        'node-driver-registrar',
        'typha',
        'kube-controllers',
        'apiserver',
      ])
        expect(refs).toContain(`${registry}/calico/${name}:v${version}`);
      expect(refs.includes(`${registry}/calico/goldmane:v${version}`)).toBe(goldmane);
      expect(refs.includes(`${registry}/calico/whisker:v${version}`)).toBe(goldmane);
      // Every Calico image is pinned to the release's tag; none is pulled twice.
      expect(refs.slice(1).every((ref) => ref.endsWith(`:v${version}`))).toBe(true);
      expect(new Set(refs).size).toBe(refs.length);
    },
  );

  it("puts calico-node's images right after the operator's: no board is healthy without them", () => {
    const images = releaseImages(requireRelease('3.32.1'));
    expect(images.slice(1, 4).map((i) => [i.component.split(' ')[0], i.placement])).toEqual([
      ['calico-node', 'every-board'],
      ['calico-node', 'every-board'],
      ['calico-node', 'every-board'],
    ]);
  });
});
