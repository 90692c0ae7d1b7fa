import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_SECTIONS } from '../../../src/health/cluster-list.js';
import { parseProbeOutput } from '../../../src/health/probe-output.js';
import { nodeFacts } from '../../../src/health/node-checks.js';
import {
  CLUSTER_PROBE_SCRIPT,
  clusterProbeArgv,
  NODE_PROBE_SCRIPT,
  nodeProbeArgv,
} from '../../../src/health/probe-script.js';

const M = '@pctest';

describe('parseProbeOutput', () => {
  it.each([
    ['a value', `${M} arch aarch64\n`, { arch: 'aarch64' }, {}],
    ['a value with spaces', `${M} hostname pi 5\n`, { hostname: 'pi 5' }, {}],
    [
      'lines without the marker are ignored',
      `motd text\n@pcother arch x\n${M} arch x86_64\n`,
      { arch: 'x86_64' },
      {},
    ],
    ['an empty section', `${M} begin s\n\n${M} end s 0\n`, {}, { s: { body: '', code: 0 } }],
    [
      'a body without a final newline',
      `${M} begin s\nabc\n${M} end s 3\n`,
      {},
      { s: { body: 'abc', code: 3 } },
    ],
    [
      'a body with its own final newline',
      `${M} begin s\nabc\n\n${M} end s 0\n`,
      {},
      { s: { body: 'abc\n', code: 0 } },
    ],
    [
      'marker-looking lines inside a body stay in the body',
      `${M} begin s\n${M} arch fake\n{"a":1}\n${M} end s 0\n${M} arch real\n`,
      { arch: 'real' },
      { s: { body: `${M} arch fake\n{"a":1}`, code: 0 } },
    ],
    ['a section cut off mid-way is missing, not half-read', `${M} begin s\npartial`, {}, {}],
  ])('%s', (_title, text, values, sections) => {
    const out = parseProbeOutput(text, M);
    expect(Object.fromEntries(out.values)).toEqual(values);
    expect(Object.fromEntries(out.sections)).toEqual(sections);
  });
});

// The probe script itself, run by the local sh exactly as a node's sshd would run it, against a
// stand-in Felix health endpoint on a free loopback port.
describe('node probe script', () => {
  let felix: Server;
  let port = 0;
  let ready = true;
  beforeAll(async () => {
    felix = createServer((req, res) => {
      const ok = req.url === '/liveness' || ready;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(
        '+-----------+---------+----------------+---------------------+--------+\n' +
          '| COMPONENT | TIMEOUT |    LIVENESS    |      READINESS      | DETAIL |\n' +
          '+-----------+---------+----------------+---------------------+--------+\n' +
          `| felix     | 20s     | reporting live | ${ok ? 'reporting ready    ' : 'reporting non-ready'} | ${ok ? '' : 'not in sync'} |\n` +
          '+-----------+---------+----------------+---------------------+--------+\n',
      );
    });
    await new Promise<void>((r) => felix.listen(0, '127.0.0.1', r));
    const a = felix.address();
    port = a && typeof a === 'object' ? a.port : 0;
  });
  afterAll(() => new Promise<void>((r) => felix.close(() => r())));

  async function probe(bgp: boolean) {
    const argv = nodeProbeArgv({ marker: M, felixPort: port, bgp, limitSeconds: 2 });
    const r = await execa(argv[0]!, argv.slice(1), { input: NODE_PROBE_SCRIPT });
    return nodeFacts(parseProbeOutput(r.stdout, M));
  }

  it('reports arch, kernel, both Felix endpoints, links and node-prep files', async () => {
    ready = true;
    const facts = await probe(false);
    const uname = await execa('uname', ['-m']);
    expect(facts.arch).toBe(uname.stdout);
    expect(facts.kernel).toMatch(/^\d+\.\d+/);
    expect(facts.readiness?.status).toBe(200);
    expect(facts.liveness?.status).toBe(200);
    expect(facts.readiness?.body).toContain('reporting ready');
    expect(facts.links?.get('lo')).toContain('UP');
    expect(facts.files.map((f) => f.path)).toEqual([
      '/etc/modules-load.d/calico.conf',
      '/etc/sysctl.d/90-calico.conf',
      '/etc/NetworkManager/conf.d/calico.conf',
    ]);
    expect(facts.bgp).toBeUndefined();
    expect(facts.complete).toBe(true);
  });

  it('reports a 503 readiness with its body', async () => {
    ready = false;
    const facts = await probe(false);
    expect(facts.readiness?.status).toBe(503);
    expect(facts.readiness?.body).toContain('not in sync');
  });

  it('runs calicoctl node status only when BGP is on', async () => {
    const facts = await probe(true);
    expect(facts.bgp).toBeDefined();
  });

  it('reports no answer (status 0) when nothing listens on the Felix port', async () => {
    const argv = nodeProbeArgv({ marker: M, felixPort: 1, bgp: false, limitSeconds: 1 });
    const r = await execa(argv[0]!, argv.slice(1), { input: NODE_PROBE_SCRIPT });
    expect(nodeFacts(parseProbeOutput(r.stdout, M)).readiness?.status).toBe(0);
  });
});

describe('cluster probe script', () => {
  it('passes the kubectl path and a kubeconfig path with spaces, quotes and $() through unchanged', async () => {
    const dir = await mkdtemp(join(tmpdir(), "picocal probe 'q' "));
    try {
      // A kubectl that prints the argv it was given, one per line: the script's quoting made visible.
      const kubectl = join(dir, 'kube ctl');
      await writeFile(kubectl, '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
      const kubeconfig = join(dir, "it's $(id) config");
      await writeFile(kubeconfig, '');
      const argv = clusterProbeArgv({
        marker: M,
        kubectl,
        kubeconfig,
        limitSeconds: 3,
        sections: ['all', ...CLUSTER_SECTIONS],
      });
      const r = await execa(argv[0]!, argv.slice(1), { input: CLUSTER_PROBE_SCRIPT });
      const out = parseProbeOutput(r.stdout, M);
      const common = ['--kubeconfig', kubeconfig, '--request-timeout=3s', 'get'];
      expect(out.sections.get('pods')).toEqual({
        body: [...common, 'pods', '-n', 'calico-system', '-l', 'k8s-app=calico-node', '-o', 'json', ''].join(
          '\n',
        ),
        code: 0,
      });
      expect(out.sections.get('tigerastatus')?.body).toBe(
        [...common, 'tigerastatus', 'calico', '-o', 'json', ''].join('\n'),
      );
      expect(out.sections.get('installation')?.body).toBe(
        [...common, 'installation', 'default', '-o', 'json', ''].join('\n'),
      );
      expect(out.sections.get('all')?.body).toBe(
        [...common, 'pods,tigerastatus,installation', '--all-namespaces', '-o', 'json', ''].join('\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
