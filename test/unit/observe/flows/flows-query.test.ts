// The requests picocal makes of whisker-backend (projectcalico/calico whisker-backend/pkg/apis/v1/flows.go
// ListFlowsParams: startTimeGte, sortBy, watch, filters as one JSON value; goldmane/proto/api.proto
// FlowListRequest, FlowStreamRequest, enum SortBy) and how it reads the event stream
// (lib/httpmachinery/pkg/apiutil/eventstream.go: `data: JSON` per flow, `error: MSG`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flowsPath, streamLine, watchPath, type FlowQuery } from '../../../../src/observe/flows/flows-api.js';
import { flowQuery, parseLimit, parseSortBy } from '../../../../src/observe/flows/flow-options.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/flows/whisker-flows.json', import.meta.url), 'utf8'),
) as { items: unknown[] };

const params = (path: string) => Object.fromEntries(new URL(`http://x${path}`).searchParams);

describe('the flows API requests', () => {
  it.each<[string, FlowQuery, Record<string, string>]>([
    ['a window', { sinceSeconds: 900 }, { startTimeGte: '-900' }],
    [
      'an action',
      { sinceSeconds: 60, actions: ['Deny'] },
      { startTimeGte: '-60', filters: '{"actions":["Deny"]}' },
    ],
    ['a name order', { sinceSeconds: 60, sortBy: 'DestName' }, { startTimeGte: '-60', sortBy: 'DestName' }],
    // Time is Goldmane's default: not sent.
    ['time order', { sinceSeconds: 60, sortBy: 'Time' }, { startTimeGte: '-60' }],
  ])('list: %s', (_t, q, expected) => {
    expect(params(flowsPath(q))).toEqual(expected);
  });

  it.each<[string, FlowQuery, boolean, Record<string, string>]>([
    ['backfilling the window', { sinceSeconds: 120 }, true, { watch: 'true', startTimeGte: '-120' }],
    // FlowStreamRequest: start 0 means now.
    ['from now', { sinceSeconds: 120 }, false, { watch: 'true' }],
    [
      'denied only; no sort in a stream',
      { sinceSeconds: 60, actions: ['Deny'], sortBy: 'DestName' },
      true,
      { watch: 'true', startTimeGte: '-60', filters: '{"actions":["Deny"]}' },
    ],
  ])('watch: %s', (_t, q, backfill, expected) => {
    expect(params(watchPath(q, backfill))).toEqual(expected);
  });

  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['time', 'Time'],
    ['dest-name', 'DestName'],
    ['Dest-Namespace', 'DestNamespace'],
    ['source-name', 'SourceName'],
    ['source-namespace', 'SourceNamespace'],
  ])('--sort-by %s is %s', (word, sortBy) => {
    expect(parseSortBy(word)).toBe(sortBy);
  });

  // DestType and SourceType are in the proto's enum, but Goldmane refuses them (no index).
  it.each(['dest-type', 'source-type', 'port', 'DestName'])('--sort-by %s is refused', (word) => {
    expect(() => parseSortBy(word)).toThrow(/--sort-by must be one of/);
  });

  it.each<[string, number | RegExp]>([
    ['1', 1],
    ['500', 500],
    ['0', /from 1/],
    ['-3', /from 1/],
    ['2.5', /from 1/],
    ['99999999999999999999', /from 1/],
  ])('--limit %s', (text, want) => {
    if (typeof want === 'number') expect(parseLimit(text)).toBe(want);
    else expect(() => parseLimit(text)).toThrow(want);
  });

  it('flowQuery keeps the sort', () => {
    expect(
      flowQuery({ since: '2m', namespace: 'shop', pod: undefined, action: 'deny', sortBy: 'source-name' }),
    ).toEqual({
      sinceSeconds: 120,
      namespace: 'shop',
      pod: undefined,
      actions: ['Deny'],
      sortBy: 'SourceName',
    });
  });
});

describe('the event stream', () => {
  it('reads a data line as a flow, a blank line as nothing', () => {
    expect(streamLine('')).toBeUndefined();
    const f = streamLine(`data: ${JSON.stringify(fixture.items[0])}`);
    expect(f).toMatchObject({ action: 'Deny', destPort: 5432 });
  });

  it.each<[string, RegExp]>([
    ['error: Internal Server Error', /the flow stream stopped with an error: Internal Server Error/],
    ['data: {', /not JSON/],
    ['data: {"action":"Allow"}', /the flow API answered a record picocal cannot read/],
    ['{"total":{"totalPages":1},"items":null}', /did not answer an event stream/],
    ['<html>', /did not answer an event stream/],
  ])('refuses %j', (line, message) => {
    expect(() => streamLine(line)).toThrow(message);
  });
});
