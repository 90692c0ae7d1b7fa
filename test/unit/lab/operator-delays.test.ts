// The operator stand-in's start-up delays: defaults, and what the environment may set (LAB ONLY).
import { describe, expect, it } from 'vitest';
import { operatorDelaysFromEnv } from '../../../src/lab/operator/operator.js';

describe('operatorDelaysFromEnv', () => {
  it.each([
    [{}, { operatorStartMs: 6000, tigeraStatusMs: 3000, podsMs: 2000 }],
    [
      {
        PICOCAL_LAB_OPERATOR_START_MS: '0',
        PICOCAL_LAB_TIGERASTATUS_DELAY_MS: '10000',
        PICOCAL_LAB_CALICO_NODE_POD_DELAY_MS: '500',
      },
      { operatorStartMs: 0, tigeraStatusMs: 10000, podsMs: 500 },
    ],
    // Nonsense falls back to the defaults instead of disabling the delay.
    [
      { PICOCAL_LAB_OPERATOR_START_MS: '-5', PICOCAL_LAB_TIGERASTATUS_DELAY_MS: 'soon' },
      { operatorStartMs: 6000, tigeraStatusMs: 3000, podsMs: 2000 },
    ],
  ])('%j', (env, expected) => {
    expect(operatorDelaysFromEnv(env)).toEqual(expected);
  });
});
