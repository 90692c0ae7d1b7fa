// `policy flows` / `policy denied` output formats, kubectl's `-o` (https://kubernetes.io/docs/reference/
// kubectl/#output-options): table, wide, and yaml/json as one `List` whose items carry Goldmane's fields
// (projectcalico/calico goldmane/proto/api.proto: Flow, FlowKey, PolicyTrace, PolicyHit; names as the
// proto3 JSON mapping writes them, https://protobuf.dev/programming-guides/json/).
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseFlowList } from '../../../../src/observe/flows/parse-flows.js';
import {
  flowItem,
  flowLines,
  flowList,
  parseFlowFormat,
} from '../../../../src/observe/flows/render-flows.js';
import { runCli } from '../../../helpers/run-cli.js';

const fixture = readFileSync(new URL('../../../fixtures/flows/whisker-flows.json', import.meta.url), 'utf8');
const { flows } = parseFlowList(fixture);

describe('flow output formats', () => {
  it.each<[string | undefined, string]>([
    [undefined, 'table'],
    ['text', 'table'],
    ['table', 'table'],
    ['wide', 'wide'],
    ['yaml', 'yaml'],
    ['json', 'json'],
  ])('-o %s is %s', (given, format) => {
    expect(parseFlowFormat(given)).toBe(format);
  });

  it.each(['xml', 'name', 'jsonpath', 'YAML'])('-o %s is refused', (given) => {
    expect(() => parseFlowFormat(given)).toThrow(/must be one of table, wide, yaml, json/);
  });

  it('json and yaml are a kubectl List', () => {
    const list = flowList(flows);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect((list['items'] as unknown[]).length).toBe(flows.length);
    expect(load(flowLines(flows, 'yaml').join('\n'))).toEqual(JSON.parse(JSON.stringify(list)));
  });

  it('an item has the proto Flow fields, the key and its policy trace', () => {
    const item = flowItem(flows[0]!);
    expect(Object.keys(item)).toEqual([
      'key',
      'startTime',
      'endTime',
      'sourceLabels',
      'destLabels',
      'packetsIn',
      'packetsOut',
      'bytesIn',
      'bytesOut',
    ]);
    expect(item).toMatchObject({
      key: {
        sourceName: 'web-6b7f9c8d5-*',
        sourceNamespace: 'shop',
        destNamespace: 'database',
        destPort: 5432,
        proto: 'TCP',
        reporter: 'Dst',
        action: 'Deny',
        policies: {
          enforcedPolicies: [
            {
              kind: 'EndOfTier',
              tier: 'default',
              ruleIndex: -1,
              trigger: { kind: 'NetworkPolicy', name: 'default-deny' },
            },
          ],
          pendingPolicies: [{ kind: 'StagedNetworkPolicy', name: 'allow-web', action: 'Allow' }],
        },
      },
      startTime: '2026-12-07T04:00:00Z',
      sourceLabels: ['app=web', 'pod-template-hash=6b7f9c8d5'],
    });
    // A hit that is not an end of tier has no trigger (api.proto: "nil otherwise").
    const pending = (item['key'] as { policies: { pendingPolicies: object[] } }).policies.pendingPolicies;
    expect(pending[0]).not.toHaveProperty('trigger');
  });

  it.each<[string, 'table' | 'wide', RegExp]>([
    [
      'table',
      'table',
      /^START\s+SOURCE\s+DESTINATION\s+PROTO\s+REPORTER\s+ACTION\s+ENFORCED BY\s+PENDING \(STAGED\)$/,
    ],
    [
      'wide',
      'wide',
      /^START\s+SOURCE\s+DESTINATION\s+PROTO\s+REPORTER\s+ACTION\s+END\s+PACKETS IN\/OUT\s+BYTES IN\/OUT\s+ENFORCED TRACE\s+PENDING TRACE$/,
    ],
  ])('%s has its columns, one row per flow', (_t, format, header) => {
    const lines = flowLines(flows, format);
    expect(lines[0]).toMatch(header);
    expect(lines).toHaveLength(flows.length + 1);
  });

  it('wide shows every hit of a trace, in order; table only the deciding one', () => {
    const [eot] = flows[0]!.enforced;
    const pass = {
      ...eot!,
      kind: 'GlobalNetworkPolicy' as const,
      name: 'platform',
      namespace: '',
      tier: 'security',
      action: 'Pass' as const,
      ruleIndex: 2,
      trigger: undefined,
    };
    const two = { ...flows[0]!, enforced: [pass, eot!] };
    const wide = flowLines([two], 'wide')[1]!;
    expect(wide).toContain(
      'security/platform rule 2: Pass > default/end-of-tier (database/default-deny): Deny',
    );
    expect(wide).toContain('default/database/allow-web rule 0: Allow');
    const row = flowLines([two], 'table')[1]!;
    expect(row).not.toContain('security/platform');
    expect(row).toContain('default/end-of-tier (database/default-deny): Deny');
  });

  it('an empty list: no table, an empty List', () => {
    expect(flowLines([], 'table')).toEqual([]);
    expect(load(flowLines([], 'yaml').join('\n'))).toMatchObject({ kind: 'List', items: [] });
  });

  it.each<[string[], RegExp]>([
    [['policy', 'flows', '-o', 'xml'], /-o\/--output must be one of table, wide, yaml, json, not 'xml'/],
    [['policy', 'flows', '--output', 'name'], /must be one of table, wide, yaml, json/],
    [['policy', 'denied', '-o', 'csv', '--source', 'goldmane'], /not 'csv'/],
    [['policy', 'flows', '--limit', '0'], /--limit must be a whole number of flows from 1, not '0'/],
    [['policy', 'flows', '--limit', 'ten'], /--limit must be a whole number/],
    [
      ['policy', 'flows', '--sort-by', 'port'],
      /--sort-by must be one of time, dest-name, dest-namespace, source-name, source-namespace/,
    ],
    [['policy', 'flows', '--watch', '--sort-by', 'dest-name'], /--sort-by orders a list; --watch prints/],
    [
      ['policy', 'denied', '--follow', '-o', 'yaml', '--source', 'kernel-log'],
      /--follow on the kernel log prints rows as they come/,
    ],
  ])('bad input %j: exit 2, before any kubectl', async (argv, message) => {
    const r = await runCli([...argv, '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('help shows -o with its formats in place of the global --output text|json', async () => {
    const r = await runCli(['policy', 'flows', '--help']);
    expect(r.stdout).toContain('-o, --output table|wide|yaml|json');
    expect(r.stdout).not.toContain('--output text|json');
  });
});
