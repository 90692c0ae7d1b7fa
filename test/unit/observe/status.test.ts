import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { felixMetrics } from '../../../src/lab/calico-node/felix-metrics.js';
import { felixStatus } from '../../../src/observe/status/felix-status.js';
import { ExpositionError, parseExposition, valueOf } from '../../../src/observe/status/prometheus-text.js';
import { scrapeArgv } from '../../../src/observe/status/scrape-script.js';
import { statusExitCode } from '../../../src/cli/exit-codes.js';
import { statusTable } from '../../../src/observe/status/status-table.js';
import type { NodeStatus, StatusReport } from '../../../src/observe/status/status-types.js';

describe('Prometheus text parser', () => {
  it.each([
    ['plain sample', 'up 1', [{ name: 'up', labels: {}, value: 1 }]],
    [
      'labels and timestamp',
      'x{a="1",b="two"} 2.5 1700000000000',
      [{ name: 'x', labels: { a: '1', b: 'two' }, value: 2.5 }],
    ],
    [
      'escaped quote, backslash and newline',
      'x{a="q\\"b\\\\c\\nd"} 3',
      [{ name: 'x', labels: { a: 'q"b\\c\nd' }, value: 3 }],
    ],
    ['trailing comma and spaces', 'x{ a = "1" , } 4', [{ name: 'x', labels: { a: '1' }, value: 4 }]],
    ['exponent', 'x 1.5e-3', [{ name: 'x', labels: {}, value: 0.0015 }]],
    ['+Inf', 'x_bucket{le="+Inf"} +Inf', [{ name: 'x_bucket', labels: { le: '+Inf' }, value: Infinity }]],
    [
      'comments and blank lines skipped',
      '# HELP x a thing\n\n# random\nx 7',
      [{ name: 'x', labels: {}, value: 7 }],
    ],
  ])('%s', (_title, text, samples) => {
    expect(parseExposition(text).samples).toEqual(samples);
  });

  it('NaN is a value, not an error', () => {
    expect(parseExposition('x NaN').samples[0]?.value).toBeNaN();
  });

  it('records TYPE lines per family', () => {
    const e = parseExposition('# TYPE a counter\n# TYPE b summary\na 1');
    expect(Object.fromEntries(e.types)).toEqual({ a: 'counter', b: 'summary' });
  });

  it.each([
    ['no value', 'x', /line 1: sample x has no numeric value/],
    ['word value', 'x{a="1"} abc', /no numeric value/],
    ['unterminated label', 'x{a="1} 2', /unterminated value of label a/],
    ['unquoted label', 'x{a=1} 2', /label a has no quoted value/],
    ['garbage line', 'ok 1\n<html>', /line 2: not a sample/],
  ])('rejects %s with the line', (_t, text, why) => {
    expect(() => parseExposition(text)).toThrow(ExpositionError);
    expect(() => parseExposition(text)).toThrow(why);
  });

  it('valueOf sums label sets and is undefined for a missing metric', () => {
    const e = parseExposition('x{t="a"} 2\nx{t="b"} 3');
    expect(valueOf(e, 'x')).toBe(5);
    expect(valueOf(e, 'y')).toBeUndefined();
  });
});

describe('Felix status from a scrape', () => {
  it("reads the lab calico-node's real metric names", () => {
    const s = felixStatus(
      parseExposition(felixMetrics({ version: 'v3.31.7', ready: true, clusterNumHosts: 5, applies: 4 })),
    );
    expect(s).toEqual({
      endpoints: 1,
      policies: 0,
      resyncState: 3,
      inSync: true,
      dataplaneFailures: 0,
      lastApplySeconds: 0.002,
      problems: [],
    });
  });

  it.each([
    ['resync state 1', 'felix_resync_state 1', false, /not in sync .*felix_resync_state 1/],
    ['resync state missing', 'felix_active_local_endpoints 2', false, /felix_resync_state missing/],
    ['not Felix at all', 'node_load1 0.5', false, /no felix_\* metrics/],
    ['in sync', 'felix_resync_state 3', true, undefined],
  ])('%s', (_t, text, inSync, problem) => {
    const s = felixStatus(parseExposition(text));
    expect(s.inSync).toBe(inSync);
    if (problem) expect(s.problems.join()).toMatch(problem);
    else expect(s.problems).toEqual([]);
  });

  it('apply time: a summary with no applies yet is unknown, a gauge is taken as is', () => {
    const none =
      'felix_int_dataplane_apply_time_seconds_sum 0\nfelix_int_dataplane_apply_time_seconds_count 0';
    expect(felixStatus(parseExposition(none)).lastApplySeconds).toBeNull();
    expect(felixStatus(parseExposition('felix_int_dataplane_apply_time_seconds 0.25')).lastApplySeconds).toBe(
      0.25,
    );
  });
});

function node(name: string, ok: boolean, reachable = true): NodeStatus {
  return { name, address: name, reachable, ok, felix: null, problems: ok ? [] : ['bad'] };
}
function report(nodes: NodeStatus[]): StatusReport {
  return { metricsPort: 9091, metricsEnabled: true, nodes, durationMs: 1 };
}

describe('status table and exit code', () => {
  it.each([
    ['all fine', [true, true], 0],
    ['some bad', [true, false], 3],
    ['none fine', [false, false], 1],
  ])('%s → exit %s', (_t, oks, code) => {
    expect(statusExitCode(report(oks.map((ok, i) => node(`n${i}`, ok))))).toBe(code);
  });

  it('shows the columns and names unreachable nodes in the summary', () => {
    const ok: NodeStatus = {
      ...node('pc-node1', true),
      felix: felixStatus(
        parseExposition(felixMetrics({ version: 'v', ready: true, clusterNumHosts: 2, applies: 2 })),
      ),
    };
    const lines = statusTable(report([ok, node('pc-node2', false, false)]));
    expect(lines[0]).toMatch(
      /^NODE\s+ENDPOINTS\s+POLICIES\s+IN SYNC\s+DATAPLANE FAILURES\s+MEAN APPLY\s+PROBLEMS$/,
    );
    expect(lines[1]).toMatch(/^pc-node1\s+1\s+0\s+yes\s+0\s+2\.0ms\s+-$/);
    expect(lines.at(-1)).toBe(
      '1/2 nodes report Felix metrics and are in sync; problems on: pc-node2 (unreachable)',
    );
  });
});

describe('scrape script (run by a real sh against a real HTTP server)', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/metrics') res.end('felix_resync_state 3\n');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('prints the metrics body', async () => {
    const [cmd, ...args] = scrapeArgv(port, 3);
    const r = await execa(cmd!, args, { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('felix_resync_state 3');
  });

  it('exits 7 when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const [cmd, ...args] = scrapeArgv(free, 2);
    const r = await execa(cmd!, args, { reject: false });
    expect(r.exitCode).toBe(7);
  });
});
