// The README walk-through with no network: after the quick start's `picocal artifacts import`, every
// command finds Calico's release files in the cache without --artifacts. picocal runs as its own process in
// a mount namespace whose /etc/hosts sends GitHub's download hosts to 127.0.0.1 (nothing listens on 443) and
// whose resolv.conf names no reachable server: any download fails at once, so a command that still needed
// the network would fail. The lab's boards are reached by address, as always.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'picocal-offline-'));
const cache = join(work, 'xdg-cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DOWNLOAD_HOSTS = [
  'raw.githubusercontent.com',
  'github.com',
  'objects.githubusercontent.com',
  'release-assets.githubusercontent.com',
];

/** argv that runs `argv` with no way to download (see the header). */
function offline(argv: string[]): string[] {
  const hosts = join(work, 'hosts');
  const resolv = join(work, 'resolv.conf');
  const script = `mount --bind ${hosts} /etc/hosts && mount --bind ${resolv} /etc/resolv.conf && exec "$@"`;
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'offline', ...argv];
}

// The built CLI (what the README runs), compiled from the sources under test in beforeAll.
const CLI = resolve('dist/src/cli/picocal.js');

async function picocal(args: string[], env: Record<string, string> = {}) {
  const [cmd, ...rest] = offline([process.execPath, CLI, ...args]);
  return execa(cmd!, rest, {
    cwd: work,
    reject: false,
    env: { XDG_CACHE_HOME: cache, PICOCAL_ARTIFACTS: '', ...env },
    extendEnv: true,
  });
}

describeLab('the README walk-through offline, after the quick start', () => {
  const lab = useLab('offline-t', 3);
  const have = sharedCalicoAvailable();

  beforeAll(async () => {
    await execa('npx', ['tsc', '-p', 'tsconfig.json']);
    writeFileSync(join(work, 'hosts'), `127.0.0.1 localhost ${DOWNLOAD_HOSTS.join(' ')}\n`);
    writeFileSync(join(work, 'resolv.conf'), 'nameserver 127.0.0.9\noptions timeout:1 attempts:1\n');
  });

  it('really has no way to download', async () => {
    const [cmd, ...rest] = offline([
      process.execPath,
      '-e',
      "fetch('https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/tigera-operator.yaml').then(() => process.exit(0), (e) => { console.error(e.cause?.code ?? e.message); process.exit(3); })",
    ]);
    const r = await execa(cmd!, rest, { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(3);
  });

  it.runIf(have)('the quick start imports the release folder into the cache once', async () => {
    const r = await picocal(['artifacts', 'import', SHARED_CALICO]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(cache, 'picocal', 'artifacts', 'v3.32.1', 'manifests'));
  });

  it.runIf(have)(
    'bootstrap, reprovision, verify, upgrade --dry-run and policy lint then work offline with no --artifacts',
    async () => {
      const inv = lab.state.inventory;
      const steps: [string, string[]][] = [
        ['bootstrap', ['bootstrap', '-i', inv, '--out', join(work, 'build')]],
        ['reprovision', ['reprovision', 'pc-node2', '-i', inv, '--out', join(work, 'build')]],
        ['verify', ['verify', '-i', inv]],
        // --to other than the inventory's version needs --write-inventory (the inventory is the desired state);
        // a dry run writes nothing.
        [
          'upgrade --dry-run',
          ['upgrade', '-i', inv, '--to', '3.31.7', '--write-inventory', '--allow-downgrade', '--dry-run'],
        ],
        ['doctor', ['doctor', '-i', inv]],
      ];
      for (const [what, args] of steps) {
        const r = await picocal(args);
        expect(r.exitCode, `${what}: ${r.stderr}`).toBe(0);
        expect(r.stderr, what).not.toContain('downloading');
        // The real manifests, from the cache: never the lab's stand-ins.
        expect(r.stderr, what).not.toContain('LAB-ONLY stand-in manifests');
      }
      const lint = await picocal(['policy', 'lint', resolve('examples/policies'), '--output', 'json']);
      const doc = JSON.parse(lint.stdout) as { schema: { checked: boolean } };
      expect(doc.schema.checked, lint.stderr).toBe(true);
    },
    600_000,
  );

  it.runIf(have)('PICOCAL_ARTIFACTS names a release folder once, for an empty cache', async () => {
    const r = await picocal(['policy', 'lint', resolve('examples/policies'), '--output', 'json'], {
      XDG_CACHE_HOME: join(work, 'empty-cache'),
      PICOCAL_ARTIFACTS: SHARED_CALICO,
    });
    expect((JSON.parse(r.stdout) as { schema: { checked: boolean } }).schema.checked, r.stderr).toBe(true);
  });
});
