// The flags of the commands that read flow records: the window, the filters, the order and the count.
import { UsageError } from '../../errors.js';
import { parseSince } from '../denied/since.js';
import { FLOW_ACTIONS, type FlowAction } from '../../policy/goldmane/flow.js';
import { FLOW_SORT_BYS, type FlowQuery, type FlowSortBy } from './flows-api.js';

export function parseAction(text: string, option: string): FlowAction {
  const v = FLOW_ACTIONS.find((a) => a.toLowerCase() === text.toLowerCase());
  if (!v)
    throw new UsageError(`${option} must be one of ${FLOW_ACTIONS.join(', ').toLowerCase()}, not '${text}'`);
  return v;
}

/** `--sort-by dest-name` for Goldmane's `DestName` (kubectl-style words for the proto's names). */
export const SORT_BY_WORDS: readonly string[] = FLOW_SORT_BYS.map((s) =>
  s.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase(),
);

export function parseSortBy(text: string | undefined): FlowSortBy | undefined {
  if (text === undefined) return undefined;
  const i = SORT_BY_WORDS.indexOf(text.toLowerCase());
  if (i < 0)
    throw new UsageError(
      `--sort-by must be one of ${SORT_BY_WORDS.join(', ')}, not '${text}'`,
      'Goldmane orders by time (newest first) or by a name; it keeps no other order',
    );
  return FLOW_SORT_BYS[i];
}

/** `--limit N`: a whole number from 1. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`--limit must be a whole number of flows from 1, not '${text}'`);
  return Number(text);
}

export function flowQuery(o: {
  since: string | undefined;
  namespace: string | undefined;
  pod: string | undefined;
  action: string | undefined;
  sortBy?: string | undefined;
}): FlowQuery {
  return {
    sinceSeconds: parseSince(o.since ?? '15m'),
    namespace: o.namespace,
    pod: o.pod,
    actions: o.action ? [parseAction(o.action, '--action')] : undefined,
    sortBy: parseSortBy(o.sortBy),
  };
}
