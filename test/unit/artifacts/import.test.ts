// `picocal artifacts import DIR`: pinned files are copied into the cache, an altered one refuses the whole
// import (exit 2, nothing copied), unpinned ones are named and left out.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../../helpers/shared.js';

const root = mkdtempSync(join(tmpdir(), 'picocal-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const have = sharedCalicoAvailable();

function releaseCopy(name: string): string {
  const dir = join(root, name);
  cpSync(join(SHARED_CALICO, 'v3.32.1', 'manifests'), join(dir, 'v3.32.1', 'manifests'), { recursive: true });
  return dir;
}

describe.skipIf(!have)('picocal artifacts import', () => {
  it('copies the pinned manifests into the cache and leaves out an unpinned calicoctl, naming it', async () => {
    const from = releaseCopy('good');
    mkdirSync(join(from, 'v3.32.1', 'bin'), { recursive: true });
    writeFileSync(join(from, 'v3.32.1', 'bin', 'calicoctl-linux-arm64'), 'unpinned');
    const cache = join(root, 'cache-good');
    const r = await runCli(['artifacts', 'import', from, '--cache-dir', cache]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cache, 'v3.32.1', 'manifests')).sort()).toEqual([
      'custom-resources.yaml',
      'tigera-operator.yaml',
      'v1_crd_projectcalico_org.yaml',
    ]);
    expect(existsSync(join(cache, 'v3.32.1', 'bin'))).toBe(false);
    expect(r.stderr).toContain('not imported');
    expect(r.stderr).toContain('PICOCAL_ARTIFACTS=');
  });

  it.each([
    {
      name: 'altered',
      setup: (d: string) => writeFileSync(join(d, 'v3.32.1', 'manifests', 'tigera-operator.yaml'), 'x'),
      message: /differ from their pins/,
    },
    {
      name: 'empty',
      setup: (d: string) => rmSync(join(d, 'v3.32.1'), { recursive: true }),
      message: /nothing to import/,
    },
  ])('$name folder: exit 2 and nothing is copied', async ({ name, setup, message }) => {
    const from = releaseCopy(name);
    setup(from);
    const cache = join(root, `cache-${name}`);
    const r = await runCli(['artifacts', 'import', from, '--cache-dir', cache]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(cache)).toBe(false);
  });
});
