// Calico release × Kubernetes version: the catalog's tested ranges (Calico's "System requirements for
// Kubernetes" per minor) decide, k3s and other distribution suffixes are read, and a refusal names both
// versions, the range, a Calico version that fits and the override.
import { describe, expect, it } from 'vitest';
import {
  checkKubernetesSupport,
  parseKubernetesVersion,
  releasesSupporting,
} from '../../../src/catalog/kubernetes-support.js';
import { CATALOG, requireRelease } from '../../../src/catalog/versions.js';
import { EXIT } from '../../../src/errors.js';

describe('parseKubernetesVersion', () => {
  it.each([
    ['v1.31.4+k3s1', 1, 31],
    ['v1.34.3+k3s2', 1, 34],
    ['v1.32.0', 1, 32],
    ['v1.33.0-rc.1', 1, 33],
    ['v1.30.2-eks-1234abc', 1, 30],
    ['v1.29.15+rke2r1', 1, 29],
    ['1.35', 1, 35],
    [' v1.36.1\n', 1, 36],
  ])('%j → %i.%i', (text, major, minor) => {
    expect(parseKubernetesVersion(text)).toMatchObject({ major, minor });
  });

  it.each(['', 'v1', 'latest', 'k3s1', 'v1.x.0', '1.31.4 extra'])('%j is not a version', (text) => {
    expect(parseKubernetesVersion(text)).toBeUndefined();
  });
});

// Calico's pages: 3.29 → 1.29–1.32, 3.30 → 1.31–1.35, 3.31 → 1.32–1.35, 3.32 → 1.34–1.36.
const MATRIX: [calico: string, kubernetes: string, supported: boolean][] = [
  ['3.29.7', 'v1.28.9', false],
  ['3.29.7', 'v1.29.0', true],
  ['3.29.7', 'v1.32.5+k3s1', true],
  ['3.29.7', 'v1.33.1+k3s1', false],
  ['3.30.7', 'v1.30.14', false],
  ['3.30.7', 'v1.31.4+k3s1', true],
  ['3.30.7', 'v1.35.0', true],
  ['3.30.7', 'v1.36.0', false],
  ['3.31.7', 'v1.31.4+k3s1', false],
  ['3.31.7', 'v1.32.0', true],
  ['3.31.7', 'v1.35.2+k3s1', true],
  ['3.31.7', 'v1.36.0+k3s1', false],
  ['3.32.1', 'v1.33.6+k3s1', false],
  ['3.32.1', 'v1.34.3+k3s1', true],
  ['3.32.1', 'v1.36.0', true],
  ['3.32.1', 'v1.37.0', false],
];

describe('checkKubernetesSupport', () => {
  const base = {
    kind: 'bootstrap',
    allow: false,
    field: 'all.vars.picocal.calico_version',
    pick: (v: string) => `set calico_version: "${v}" in inv.yaml`,
  };

  it.each(MATRIX)('Calico %s on Kubernetes %s: supported %s', (calico, server, supported) => {
    const v = checkKubernetesSupport({ ...base, release: requireRelease(calico), server });
    expect(v.ok).toBe(supported);
  });

  it('every catalog release cites its requirements page', () => {
    for (const r of CATALOG)
      expect(r.kubernetes.source).toBe(
        `https://docs.tigera.io/calico/${r.minor}/getting-started/kubernetes/requirements#supported-versions`,
      );
  });

  it('a refusal is bad input (exit 2) naming both versions, the range and a Calico version that fits', () => {
    const v = checkKubernetesSupport({ ...base, release: requireRelease('3.32.1'), server: 'v1.33.6+k3s1' });
    if (v.ok || v.overridden) throw new Error('expected a refusal');
    expect(v.error.exitCode).toBe(EXIT.usage);
    expect(v.error.message).toBe(
      'refusing to bootstrap: Calico 3.32.1 is not tested with Kubernetes v1.33.6+k3s1: Calico 3.32 supports Kubernetes 1.34–1.36',
    );
    const p = v.error.problems[0]!;
    expect(p.field).toBe('all.vars.picocal.calico_version');
    expect(p.hint).toBe(
      'pick a Calico version that supports Kubernetes 1.33 (3.31.7, 3.30.7): set calico_version: "3.31.7" in inv.yaml, or pass --allow-unsupported-kubernetes to proceed on an untested combination',
    );
  });

  it('with no catalog release for that Kubernetes, the hint says to change Kubernetes', () => {
    const v = checkKubernetesSupport({ ...base, release: requireRelease('3.32.1'), server: 'v1.27.3' });
    if (v.ok || v.overridden) throw new Error('expected a refusal');
    expect(v.error.problems[0]?.hint).toBe(
      'no Calico version picocal could bootstrap to supports Kubernetes 1.27; move Kubernetes into 1.34–1.36 first, or pass --allow-unsupported-kubernetes to proceed on an untested combination',
    );
  });

  it('the hint offers only the releases `consider` allows (an upgrade: newer than the running one)', () => {
    const upgrade = {
      ...base,
      kind: 'upgrade',
      release: requireRelease('3.32.1'),
      server: 'v1.33.6+k3s1',
      pick: (v: string) => `picocal upgrade -i inv.yaml --to ${v} --write-inventory`,
    };
    const from = (running: string) => (r: { version: string }) => r.version > running;
    const fromOld = checkKubernetesSupport({ ...upgrade, consider: from('3.30.7') });
    const fromNewest = checkKubernetesSupport({ ...upgrade, consider: from('3.31.7') });
    if (fromOld.ok || fromOld.overridden || fromNewest.ok || fromNewest.overridden)
      throw new Error('expected refusals');
    expect(fromOld.error.problems[0]?.hint).toMatch(
      /^pick a Calico version that supports Kubernetes 1\.33 \(3\.31\.7\): picocal upgrade -i inv\.yaml --to 3\.31\.7 --write-inventory, /,
    );
    expect(fromNewest.error.problems[0]?.hint).toMatch(
      /^no Calico version picocal could upgrade to supports Kubernetes 1\.33; move Kubernetes into 1\.34–1\.36 first, /,
    );
  });

  it('an unreadable server version is refused too, quoting it', () => {
    const v = checkKubernetesSupport({ ...base, release: requireRelease('3.32.1'), server: 'banana' });
    if (v.ok || v.overridden) throw new Error('expected a refusal');
    expect(v.error.message).toContain("reports Kubernetes version 'banana'");
  });

  it('--allow-unsupported-kubernetes turns the refusal into a loud warning', () => {
    const v = checkKubernetesSupport({
      ...base,
      allow: true,
      release: requireRelease('3.32.1'),
      server: 'v1.33.6+k3s1',
    });
    if (v.ok || !v.overridden) throw new Error('expected an override');
    expect(v.warning).toMatch(
      /^UNSUPPORTED: Calico 3\.32\.1 is not tested with Kubernetes v1\.33\.6\+k3s1: .* going on because of --allow-unsupported-kubernetes/,
    );
  });

  it('warnOnly (reprovision) warns with its reason instead of refusing, without the flag', () => {
    const v = checkKubernetesSupport({
      ...base,
      kind: 'reprovision',
      warnOnly: 'because reprovision installs the Calico the cluster already runs',
      release: requireRelease('3.32.1'),
      server: 'v1.37.0+k3s1',
    });
    if (v.ok || !v.overridden) throw new Error('expected a warning');
    expect(v.warning).toMatch(
      /^UNSUPPORTED: Calico 3\.32\.1 is not tested with Kubernetes v1\.37\.0\+k3s1: .*; going on because reprovision installs the Calico the cluster already runs \(see https:/,
    );
  });

  it('releasesSupporting lists the catalog releases of a Kubernetes minor, newest first', () => {
    const v = parseKubernetesVersion('v1.32.1+k3s1')!;
    expect(releasesSupporting(v).map((r) => r.version)).toEqual(['3.31.7', '3.30.7', '3.29.7']);
  });
});
