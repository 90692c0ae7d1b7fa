// The flow API's answer as whisker-backend writes it (whisker-backend/pkg/apis/v1/flows.go FlowResponse,
// lib/httpmachinery/pkg/apiutil/response.go List; Go writes nil lists and pointers as null), and the
// records picocal refuses: Goldmane's own PolicyHit checks (goldmane/proto/methods.go Validate,
// HitFromString: rule_index -1 is an end of tier) and the proto's enums (goldmane/proto/api.proto).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decidingHit, hitShort } from '../../../../src/policy/goldmane/flow.js';
import { parseFlowList } from '../../../../src/observe/flows/parse-flows.js';

const fixture = readFileSync(new URL('../../../fixtures/flows/whisker-flows.json', import.meta.url), 'utf8');

describe('parseFlowList', () => {
  it('reads every field of a real-shaped answer', () => {
    const { totalPages, flows } = parseFlowList(fixture);
    expect(totalPages).toBe(1);
    expect(flows).toHaveLength(3);
    const [denied, allowed, pub] = flows;
    expect(denied).toMatchObject({
      action: 'Deny',
      sourceName: 'web-6b7f9c8d5-*',
      sourceNamespace: 'shop',
      sourceLabels: ['app=web', 'pod-template-hash=6b7f9c8d5'],
      destNamespace: 'database',
      protocol: 'TCP',
      destPort: 5432,
      reporter: 'Dst',
      packetsOut: 3,
    });
    expect(denied!.startTime.toISOString()).toBe('2026-12-07T04:00:00.000Z');
    expect(denied!.enforced[0]).toMatchObject({ kind: 'EndOfTier', tier: 'default', ruleIndex: -1 });
    expect(denied!.enforced[0]!.trigger).toMatchObject({ kind: 'NetworkPolicy', name: 'default-deny' });
    expect(denied!.pending[0]).toMatchObject({
      kind: 'StagedNetworkPolicy',
      name: 'allow-web',
      action: 'Allow',
    });
    expect(allowed!.pending).toEqual([]);
    expect(pub!.sourceLabels).toEqual([]);
  });

  it.each([
    ['the deciding hit is the last that is not a Pass', 1, 'default/shop/web-egress rule 2: Allow'],
    ['an end of tier shows its tier', 0, 'default/end-of-tier (database/default-deny): Deny'],
    ['a profile shows its name', 2, 'profile kns.shop: Allow'],
  ])('%s', (_t, i, text) => {
    const f = parseFlowList(fixture).flows[i]!;
    expect(hitShort(decidingHit(f.enforced))).toBe(text);
  });

  it('reads an empty answer (Go writes no items as null)', () => {
    expect(parseFlowList('{"total":{"totalPages":0},"items":null}').flows).toEqual([]);
  });

  const doc = () => JSON.parse(fixture) as { items: Record<string, unknown>[] };
  const hit0 = (d: ReturnType<typeof doc>) =>
    ((d.items[1]!['policies'] as Record<string, unknown>)['enforced'] as Record<string, unknown>[])[1]!;
  it.each<[string, (d: ReturnType<typeof doc>) => void, RegExp]>([
    [
      'an action the proto does not define',
      (d) => (d.items[0]!['action'] = 'Drop'),
      /items\[0\]\.action: 'Drop' is not one of/,
    ],
    [
      'a reporter the proto does not define',
      (d) => (d.items[0]!['reporter'] = 'src'),
      /items\[0\]\.reporter/,
    ],
    ['a port that is a string', (d) => (d.items[0]!['dest_port'] = '5432'), /dest_port: expected an integer/],
    [
      'a missing start time',
      (d) => delete d.items[0]!['start_time'],
      /start_time: expected a string, got nothing/,
    ],
    [
      'a time that is not RFC 3339',
      (d) => (d.items[0]!['start_time'] = '1733544000'),
      /not an RFC 3339 time/,
    ],
    [
      'a removed admin policy kind',
      (d) => (hit0(d)['kind'] = 'AdminNetworkPolicy'),
      /kind: 'AdminNetworkPolicy' is not one of/,
    ],
    ['a namespaced kind without namespace', (d) => (hit0(d)['namespace'] = ''), /must name its namespace/],
    [
      'a global kind with a namespace',
      (d) =>
        (((d.items[1]!['policies'] as Record<string, unknown>)['enforced'] as Record<string, unknown>[])[0]![
          'namespace'
        ] = 'shop'),
      /has no namespace/,
    ],
    [
      'an end of tier without trigger',
      (d) =>
        (((d.items[0]!['policies'] as Record<string, unknown>)['enforced'] as Record<string, unknown>[])[0]![
          'trigger'
        ] = null),
      /must name the policy that triggered it/,
    ],
    [
      'an end of tier with a rule index',
      (d) =>
        (((d.items[0]!['policies'] as Record<string, unknown>)['enforced'] as Record<string, unknown>[])[0]![
          'rule_index'
        ] = 0),
      /rule_index -1/,
    ],
    ['a rule hit with index -1', (d) => (hit0(d)['rule_index'] = -1), /rule_index of 0 or more/],
    [
      'policies that are not an object',
      (d) => (d.items[0]!['policies'] = []),
      /items\[0\]\.policies: expected an object/,
    ],
  ])('refuses %s, naming the field', (_t, change, message) => {
    const d = doc();
    change(d);
    expect(() => parseFlowList(JSON.stringify(d))).toThrow(message);
  });

  it.each([
    ['not JSON', 'Service Unavailable', /did not answer JSON/],
    [
      "whisker-backend's error document",
      '{"error":"Internal Server Error"}',
      /answered an error: Internal Server Error/,
    ],
    ['a list without its page count', '{"items":[]}', /response\.total: expected an object/],
  ])('refuses %s', (_t, text, message) => {
    expect(() => parseFlowList(text)).toThrow(message);
  });
});
