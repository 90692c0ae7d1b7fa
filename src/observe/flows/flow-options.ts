// The flags of the commands that read flow records: the window and the filters.
import { UsageError } from '../../errors.js';
import { parseSince } from '../denied/since.js';
import { FLOW_ACTIONS, type FlowAction } from '../../policy/goldmane/flow.js';
import type { FlowQuery } from './flows-api.js';

export function parseAction(text: string, option: string): FlowAction {
  const v = FLOW_ACTIONS.find((a) => a.toLowerCase() === text.toLowerCase());
  if (!v)
    throw new UsageError(`${option} must be one of ${FLOW_ACTIONS.join(', ').toLowerCase()}, not '${text}'`);
  return v;
}

export function flowQuery(o: {
  since: string | undefined;
  namespace: string | undefined;
  pod: string | undefined;
  action: string | undefined;
}): FlowQuery {
  return {
    sinceSeconds: parseSince(o.since ?? '15m'),
    namespace: o.namespace,
    pod: o.pod,
    actions: o.action ? [parseAction(o.action, '--action')] : undefined,
  };
}
