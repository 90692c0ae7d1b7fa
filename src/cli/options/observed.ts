// `calico-validate --observed [--observed-since AGE]`: the flags (the flow records are read by
// src/observe/flows/observe-flow.ts, loaded only when --observed is given).
import type { OptionSpec } from '../command.js';
import { parseSince } from '../../observe/denied/since.js';

export const OBSERVED_OPTIONS: Record<string, OptionSpec> = {
  observed: {
    type: 'boolean',
    description:
      "compare the verdict with the flow records Calico's dataplane kept (Goldmane, via kubectl; implies --live)",
  },
  'observed-since': {
    type: 'string',
    arg: 'AGE',
    description: 'with --observed: records that started this far back, e.g. 10m (default 15m)',
  },
};

export function observedWindow(since: string | undefined): number {
  return parseSince(since ?? '15m');
}
