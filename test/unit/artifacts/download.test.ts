// Pinned downloads over real HTTP (a local server): streamed with a size cap, redirects only within the
// origin or to https, atomic rename, nothing written on any failure.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRedirectAllowed, downloadVerified } from '../../../src/artifacts/download.js';

const BODY = Buffer.from('pretend release file\n');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let server: Server;
let base = '';
let root = '';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'picocal-download-'));
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/ok') return void res.end(BODY);
    if (url === '/same-origin') return void res.writeHead(302, { Location: '/ok' }).end();
    if (url === '/to-other-host')
      return void res.writeHead(302, { Location: base.replace('127.0.0.1', 'localhost') + '/ok' }).end();
    if (url === '/to-file') return void res.writeHead(301, { Location: 'file:///etc/passwd' }).end();
    if (url === '/to-ftp') return void res.writeHead(307, { Location: 'ftp://127.0.0.1/ok' }).end();
    if (url === '/loop') return void res.writeHead(302, { Location: '/loop' }).end();
    if (url === '/missing') return void res.writeHead(404).end('no');
    if (url === '/declared-huge')
      return void res.writeHead(200, { 'Content-Length': String(64 * 1024 * 1024) }).end();
    if (url === '/endless') {
      // Chunked, no Content-Length: only the running count can stop it.
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      res.on('close', () => res.off('drain', pump));
      pump();
      return;
    }
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe('downloadVerified', () => {
  it('streams the file into place when its sha256 is the pin, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(root, 'ok-'));
    await downloadVerified(`${base}/ok`, sha(BODY), join(dir, 'f.yaml'));
    expect(readFileSync(join(dir, 'f.yaml'))).toEqual(BODY);
    expect(readdirSync(dir)).toEqual(['f.yaml']);
  });

  it('follows a redirect within the same scheme and host', async () => {
    const dir = mkdtempSync(join(root, 'redir-'));
    await downloadVerified(`${base}/same-origin`, sha(BODY), join(dir, 'f.yaml'));
    expect(readFileSync(join(dir, 'f.yaml'))).toEqual(BODY);
  });

  it.each([
    { path: '/to-other-host', message: /refusing the redirect from .* to http:\/\/localhost/ },
    { path: '/to-file', message: /refusing the redirect from .* to file:\/\/\/etc\/passwd/ },
    { path: '/to-ftp', message: /refusing the redirect from .* to ftp:/ },
    { path: '/loop', message: /more than 5 redirects/ },
    { path: '/missing', message: /could not download .*HTTP 404/ },
    { path: '/declared-huge', message: /larger than 1048576 bytes/ },
    { path: '/endless', message: /larger than 1048576 bytes/ },
    { path: '/ok', sum: 'f'.repeat(64), message: /has sha256 [0-9a-f]{64}, expected f{64}: refusing it/ },
  ])('$path: refused ($message) and nothing is written', async ({ path, message, sum }) => {
    const dir = mkdtempSync(join(root, 'bad-'));
    await expect(
      downloadVerified(`${base}${path}`, sum ?? sha(BODY), join(dir, 'sub', 'f.yaml'), {
        maxBytes: 1024 * 1024,
      }),
    ).rejects.toMatchObject({ code: 'E_ARTIFACT', message: expect.stringMatching(message) });
    expect(existsSync(join(dir, 'sub', 'f.yaml'))).toBe(false);
    expect(existsSync(join(dir, 'sub')) ? readdirSync(join(dir, 'sub')) : []).toEqual([]);
  });
});

describe('which redirects are followed', () => {
  const u = (s: string) => new URL(s);
  it.each([
    // GitHub's release assets: github.com → its object store, both https.
    ['https://github.com/a', 'https://github.com/a', 'https://objects.githubusercontent.com/b', true],
    ['https://github.com/a', 'https://github.com/a', 'http://objects.githubusercontent.com/b', false],
    ['https://github.com/a', 'https://github.com/a', 'http://github.com/b', false],
    ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/a', 'http://127.0.0.1:1/b', true],
    ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/a', 'https://example.org/b', false],
    ['https://github.com/a', 'https://github.com/a', 'data:text/plain,x', false],
  ])('%s: %s → %s allowed=%s', (origin, from, to, allowed) => {
    const call = () => assertRedirectAllowed(u(origin), u(from), u(to));
    if (allowed) expect(call).not.toThrow();
    else expect(call).toThrow(/refusing the redirect/);
  });
});
