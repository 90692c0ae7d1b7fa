// LAB ONLY stand-in: whisker-backend's GET /flows and /flows-filter-hints (whisker-backend/pkg/apis/v1/
// flows.go ListFlowsParams, Filters; lib/httpmachinery apiutil List) served from the lab's FlowLog. What
// it answers must be readable by picocal's strict parser, and what whisker-backend would refuse it refuses.
import { describe, expect, it } from 'vitest';
import { parseFlowList } from '../../../src/observe/flows/parse-flows.js';
import { FlowLog, type FlowObservation } from '../../../src/lab/flows-api/flow-log.js';
import { probeCall } from '../../../src/lab/flows-api/probe-flows.js';
import { serveWhiskerBackend } from '../../../src/lab/flows-api/whisker-api.js';

const NOW = 1_800_000_000;
const obs = (p: Partial<FlowObservation>): FlowObservation => ({
  at: NOW - 30,
  action: 'Allow',
  sourceName: 'web',
  sourceNamespace: 'shop',
  sourceLabels: ['app=web'],
  destName: 'api',
  destNamespace: 'shop',
  destLabels: ['app=api'],
  protocol: 'TCP',
  destPort: 8080,
  reporter: 'Dst',
  enforced: [
    {
      kind: 'NetworkPolicy',
      name: 'allow-web',
      namespace: 'shop',
      tier: 'default',
      action: 'Allow',
      policyIndex: 0,
      ruleIndex: 0,
      trigger: undefined,
    },
  ],
  pending: [],
  packetsIn: 1,
  packetsOut: 1,
  bytesIn: 60,
  bytesOut: 60,
  ...p,
});

function log(): FlowLog {
  const l = new FlowLog();
  l.add(obs({}));
  l.add(obs({})); // same key and interval: aggregated
  l.add(
    obs({
      action: 'Deny',
      destPort: 9090,
      enforced: [
        {
          kind: 'EndOfTier',
          name: '',
          namespace: '',
          tier: 'default',
          action: 'Deny',
          policyIndex: 0,
          ruleIndex: -1,
          trigger: {
            kind: 'NetworkPolicy',
            name: 'allow-web',
            namespace: 'shop',
            tier: 'default',
            action: 'Pass',
            policyIndex: 0,
            ruleIndex: 0,
            trigger: undefined,
          },
        },
      ],
    }),
  );
  l.add(obs({ at: NOW - 3600, destName: 'old' }));
  return l;
}

const get = (path: string, query: Record<string, string> = {}) =>
  serveWhiskerBackend(log(), path, new URLSearchParams(query), NOW);

describe('the flows stand-in', () => {
  it('answers a List picocal’s strict parser reads, aggregated per 15 s interval', () => {
    const a = get('/flows', { startTimeGte: '-600' });
    expect(a.status).toBe(200);
    const { flows } = parseFlowList(JSON.stringify(a.body));
    expect(flows.map((f) => [f.destPort, f.action, f.packetsIn])).toEqual([
      [8080, 'Allow', 2],
      [9090, 'Deny', 1],
    ]);
    expect(flows[1]!.enforced[0]!.trigger?.name).toBe('allow-web');
    // A trigger's own action is the proto's zero value, as whisker-backend marshals it.
    expect(JSON.stringify(a.body)).toContain('"action":"ActionUnspecified"');
  });

  it.each<[string, Record<string, string>, number[]]>([
    ['the last 10 minutes', { startTimeGte: '-600' }, [8080, 9090]],
    ['everything kept', {}, [8080, 9090, 8080]],
    ['actions Deny', { startTimeGte: '-600', filters: '{"actions":["Deny"]}' }, [9090]],
    ['an exact destination name', { filters: '{"dest_names":[{"value":"old","type":"Exact"}]}' }, [8080]],
    ['a fuzzy destination name', { filters: '{"dest_names":[{"value":"ap","type":"Fuzzy"}]}' }, [8080, 9090]],
    ['dest_ports', { filters: '{"dest_ports":[{"value":9090,"type":"Exact"}]}' }, [9090]],
    ['reporter Src', { filters: '{"reporter":"Src"}' }, []],
  ])('filters: %s', (_t, q, ports) => {
    const a = get('/flows', q);
    expect(a.status).toBe(200);
    expect(parseFlowList(JSON.stringify(a.body)).flows.map((f) => f.destPort)).toEqual(ports);
  });

  it.each<[string, string, Record<string, string>, RegExp]>([
    ['an unknown action', '/flows', { filters: '{"actions":["Drop"]}' }, /unknown value: Drop/],
    ['filters that are not JSON', '/flows', { filters: '{' }, /invalid filters/],
    ['an unknown filter field', '/flows', { filters: '{"namespace":"shop"}' }, /unknown field "namespace"/],
    ['a start that is not a number', '/flows', { startTimeGte: '10m' }, /invalid integer/],
    ['a sortBy the proto does not define', '/flows', { sortBy: 'Port' }, /unknown sortBy value: Port/],
    ['a page that is not a number', '/flows', { page: 'two' }, /page: invalid integer/],
    ['a watch that is not a boolean', '/flows', { watch: 'yes' }, /watch: invalid boolean/],
    [
      'a hint type that does not exist',
      '/flows-filter-hints',
      { type: 'Pod' },
      /unknown filter type value Pod/,
    ],
  ])('refuses %s with 400', (_t, path, q, message) => {
    const a = get(path, q);
    expect(a.status).toBe(400);
    expect((a.body as { error: string }).error).toMatch(message);
  });

  // What Goldmane refuses, whisker-backend logs and answers 500 (handlers/v1/flows.go ListOrStream):
  // goldmane/pkg/goldmane/goldmane_filters.go validateListRequest, storage/bucket_ring.go List.
  it.each<[string, [string, string][]]>([
    [
      'two sort orders',
      [
        ['sortBy', 'DestName'],
        ['sortBy', 'SourceName'],
      ],
    ],
    ['a sort Goldmane keeps no index for', [['sortBy', 'DestType']]],
    [
      'an empty window',
      [
        ['startTimeGte', '-60'],
        ['startTimeLt', '-600'],
      ],
    ],
  ])('answers 500 for %s, as Goldmane refuses it', (_t, q) => {
    const a = serveWhiskerBackend(log(), '/flows', new URLSearchParams(q), NOW);
    expect(a).toEqual({ status: 500, body: { error: 'Internal Server Error' } });
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['time, newest first (the default)', {}, ['api', 'api', 'zz', 'old']],
    ['Time', { sortBy: 'Time' }, ['api', 'api', 'zz', 'old']],
    ['DestName', { sortBy: 'DestName' }, ['api', 'api', 'old', 'zz']],
  ])('sorts by %s', (_t, q, names) => {
    const l = log();
    l.add(obs({ at: NOW - 60, destName: 'zz' }));
    const a = serveWhiskerBackend(l, '/flows', new URLSearchParams(q), NOW);
    expect(parseFlowList(JSON.stringify(a.body)).flows.map((f) => f.destName)).toEqual(names);
  });

  it('ignores page and pageSize on /flows, as whisker-backend does not pass them to Goldmane', () => {
    const a = get('/flows', { page: '1', pageSize: '1' });
    expect(a.status).toBe(200);
    expect(parseFlowList(JSON.stringify(a.body))).toMatchObject({ totalPages: 1 });
    expect((a.body as { items: unknown[] }).items).toHaveLength(3);
  });

  it.each<[string, Record<string, string>, number[]]>([
    ['start 0 is now: no backfill', { watch: 'true' }, []],
    ['a relative start backfills, oldest first', { watch: 'true', startTimeGte: '-600' }, [9090, 8080]],
    [
      'the filter applies to the backfill',
      { watch: 'true', startTimeGte: '-7200', filters: '{"actions":["Allow"]}' },
      [8080, 8080],
    ],
  ])('streams (watch=true): %s', (_t, q, ports) => {
    const a = get('/flows', q);
    expect(a.status).toBe(200);
    expect(a.stream!.backfill.map((f) => f.dest_port)).toEqual(ports);
  });

  it('pages filter hints as Goldmane does', () => {
    expect(get('/flows-filter-hints', { type: 'DestName', pageSize: '1', page: '1' }).body).toEqual({
      total: { totalPages: 2 },
      items: [{ value: 'old' }],
    });
  });

  it('gives filter hints', () => {
    expect(get('/flows-filter-hints', { type: 'DestName' }).body).toEqual({
      total: { totalPages: 1 },
      items: [{ value: 'api' }, { value: 'old' }],
    });
  });

  it.each<[string[], ReturnType<typeof probeCall>]>([
    [['nc', '-v', '-z', '-w', '3', '10.0.0.2', '8080'], { protocol: 'TCP', ip: '10.0.0.2', port: 8080 }],
    [['nc', '-v', '-u', '-z', '-w', '3', '10.0.0.2', '53'], { protocol: 'UDP', ip: '10.0.0.2', port: 53 }],
    [['ping', '-c', '1', '-W', '3', '10.0.0.2'], { protocol: 'ICMP', ip: '10.0.0.2', port: 0 }],
    [['sh', '-c', 'nc 10.0.0.2 80'], undefined],
  ])('a probe: %j', (argv, call) => {
    expect(probeCall(argv)).toEqual(call);
  });
});
