// calicoctl resolution: pinned downloads over real HTTP (a local server standing in for GitHub's release
// host, reached through the URL picocal builds), --artifacts folders, unpinned releases, the lab stand-in.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calicoctlArches,
  calicoctlPath,
  calicoctlUrl,
  resolveCalicoctl,
} from '../../../src/artifacts/calicoctl.js';
import { requireRelease, type CalicoRelease } from '../../../src/catalog/versions.js';
import { calicoctlCheck } from '../../../src/health/node-checks.js';
import { calicoctlStandIn } from '../../../src/lab/calico-node/calicoctl-standin.js';
import type { Inventory } from '../../../src/inventory/types.js';

const BINARY = Buffer.from('\x7fELF pretend calicoctl for arm64\n');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** 3.31.7 as the catalog has it, but pinned to the test's bytes so a download can succeed. */
const PINNED: CalicoRelease = { ...requireRelease('3.31.7'), calicoctl: { arm64: sha(BINARY) } };
const UNPINNED = requireRelease('3.32.1');

let server: Server;
let base = '';
const requests: string[] = [];
let serve: Buffer = BINARY;
let root = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'picocal-calicoctl-'));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(serve);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

/** Sends picocal's official URL to the local server instead of github.com. */
const viaLocal: typeof fetch = (input, init) =>
  fetch(String(input).replace('https://github.com', base), init);

function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

describe('resolveCalicoctl', () => {
  it('downloads a pinned binary from the release URL into the cache, checked against its pin', async () => {
    serve = BINARY;
    requests.length = 0;
    const cache = dir('cache-ok');
    const set = await resolveCalicoctl(PINNED, ['arm64'], { cacheDir: cache, fetchImpl: viaLocal });
    expect(requests).toEqual(['/projectcalico/calico/releases/download/v3.31.7/calicoctl-linux-arm64']);
    expect(calicoctlUrl(PINNED, 'arm64')).toBe(
      'https://github.com/projectcalico/calico/releases/download/v3.31.7/calicoctl-linux-arm64',
    );
    expect(set.files).toEqual([
      { arch: 'arm64', path: calicoctlPath(cache, PINNED, 'arm64'), sha256: sha(BINARY), source: 'catalog' },
    ]);
    expect(readFileSync(calicoctlPath(cache, PINNED, 'arm64'))).toEqual(BINARY);
    // Second call: from the cache, no request.
    requests.length = 0;
    await resolveCalicoctl(PINNED, ['arm64'], { cacheDir: cache, fetchImpl: viaLocal });
    expect(requests).toEqual([]);
  });

  it('refuses a download whose sha256 is not the pin and writes nothing', async () => {
    serve = Buffer.from('tampered');
    const cache = dir('cache-bad');
    await expect(
      resolveCalicoctl(PINNED, ['arm64'], { cacheDir: cache, fetchImpl: viaLocal }),
    ).rejects.toThrow(/calicoctl-linux-arm64 has sha256 [0-9a-f]{64}, expected/);
    expect(existsSync(dirname(calicoctlPath(cache, PINNED, 'arm64')))).toBe(false);
    serve = BINARY;
  });

  it('refuses an altered file in the cache, naming it and the fix', async () => {
    const cache = dir('cache-altered');
    const path = calicoctlPath(cache, PINNED, 'arm64');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'altered');
    await expect(
      resolveCalicoctl(PINNED, ['arm64'], { cacheDir: cache, download: false }),
    ).rejects.toMatchObject({
      message: expect.stringContaining(path),
      hint: expect.stringContaining(`delete ${path}`),
    });
  });

  it('takes a pinned binary from --artifacts DIR without downloading, and refuses one that differs', async () => {
    requests.length = 0;
    const user = dir('user-pinned');
    const path = calicoctlPath(user, PINNED, 'arm64');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, BINARY);
    const set = await resolveCalicoctl(PINNED, ['arm64'], { artifactsDir: user, fetchImpl: viaLocal });
    expect(set.files.map((f) => f.source)).toEqual(['catalog']);
    writeFileSync(path, 'other build');
    await expect(resolveCalicoctl(PINNED, ['arm64'], { artifactsDir: user })).rejects.toThrow(
      /the file is altered|is [0-9a-f]{64}/,
    );
    expect(requests).toEqual([]);
  });

  it('never downloads a release it has no pin for: missing, with the URL and the folder to use', async () => {
    requests.length = 0;
    const set = await resolveCalicoctl(UNPINNED, ['arm64'], {
      cacheDir: dir('cache-unpinned'),
      fetchImpl: viaLocal,
    });
    expect(requests).toEqual([]);
    expect(set.files).toEqual([]);
    expect(set.missing).toHaveLength(1);
    expect(set.missing[0]?.reason).toContain('no pinned sha256 for calicoctl v3.32.1 (arm64)');
    expect(set.missing[0]?.hint).toContain(calicoctlUrl(UNPINNED, 'arm64'));
  });

  it('installs an unpinned release only from a folder the user names, marked user-supplied', async () => {
    const user = dir('user-unpinned');
    const path = calicoctlPath(user, UNPINNED, 'amd64');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, BINARY);
    const set = await resolveCalicoctl(UNPINNED, ['amd64'], { artifactsDir: user });
    expect(set.files).toEqual([{ arch: 'amd64', path, sha256: sha(BINARY), source: 'user-supplied' }]);
  });
});

describe('the LAB ONLY calicoctl stand-in', () => {
  const script = join(mkdtempSync(join(tmpdir(), 'picocal-standin-')), 'calicoctl');
  beforeAll(() => writeFileSync(script, calicoctlStandIn(PINNED), { mode: 0o755 }));

  it('differs per release, so an upgrade replaces it on the boards', () => {
    expect(sha(calicoctlStandIn(PINNED))).not.toBe(sha(calicoctlStandIn(UNPINNED)));
  });

  it('refuses commands it does not stand in for, naming itself', () => {
    const r = spawnSync(script, ['node', 'diags'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('LAB ONLY calicoctl stand-in (v3.31.7)');
  });
});

describe('which architectures to fetch', () => {
  const hosts = (arches: Array<string | undefined>) => arches.map((arch) => ({ arch })) as Inventory['hosts'];
  it.each([
    { declared: [undefined, undefined], want: ['arm64'] },
    { declared: ['aarch64', 'x86_64'], want: ['arm64', 'amd64'] },
    { declared: ['x86_64', 'x86_64'], want: ['amd64'] },
    { declared: ['x86_64', undefined], want: ['arm64', 'amd64'] },
  ])('$declared → $want', ({ declared, want }) => {
    expect(calicoctlArches(hosts(declared))).toEqual(want);
  });
});

describe('verify: calicoctl on the board', () => {
  it.each([
    { code: 0, text: 'Client Version:    v3.31.7\nGit commit: abc', ok: true, detail: 'v3.31.7' },
    {
      code: 0,
      text: 'Client Version:    v3.30.7\n',
      ok: false,
      detail: 'calicoctl v3.30.7, cluster v3.31.7',
    },
    {
      code: 126,
      text: 'permission denied',
      ok: false,
      detail: 'calicoctl version failed: permission denied',
    },
    { code: 0, text: 'garbage', ok: false, detail: 'calicoctl version failed: garbage' },
    // Review 1.8: a datastore that cannot be reached is named, and the client version is read anyway.
    {
      code: 1,
      text: 'Client Version:    v3.31.7\nGit commit: abc\nUnable to retrieve Cluster Version or Type: open /etc/rancher/k3s/k3s.yaml: permission denied',
      ok: false,
      detail:
        'cannot reach its datastore (open /etc/rancher/k3s/k3s.yaml: permission denied): check /etc/calico/calicoctl.cfg',
    },
    {
      code: 1,
      text: 'Client Version:    v3.30.7\nUnable to retrieve Cluster Version or Type: x',
      ok: false,
      detail: 'calicoctl v3.30.7, cluster v3.31.7',
    },
    {
      code: 0,
      text: 'Client Version:    v3.31.7\nGit commit: abc\nUnable to detect installed Calico version',
      ok: true,
      detail: 'v3.31.7',
    },
  ])('$text → ok=$ok', ({ code, text, ok, detail }) => {
    const c = calicoctlCheck({ code, text }, 'v3.31.7');
    expect(c.ok).toBe(ok);
    expect(c.detail).toContain(detail);
  });
});
