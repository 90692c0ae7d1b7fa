import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { planBatches } from '../../../src/upgrade/batches.js';
import { checkVersionStep } from '../../../src/upgrade/version-step.js';

describe('checkVersionStep allows supported steps', () => {
  it.each([
    ['3.31.7', '3.32.1', false, 'upgrade'],
    ['v3.31.7', 'v3.32.1', false, 'upgrade'],
    ['3.31.2', '3.31.7', false, 'upgrade'],
    ['3.29.7', '3.30.7', false, 'upgrade'],
    ['3.32.1', '3.32.1', false, 'same'],
    ['3.32.1', '3.31.7', true, 'downgrade'],
  ] as const)('%s → %s (allowDowngrade %s) is %s', (current, target, allowDowngrade, kind) => {
    const step = checkVersionStep({ current, target, allowDowngrade });
    expect(step.kind).toBe(kind);
    expect(step.from).toBe(current.replace(/^v/, ''));
    expect(step.to.version).toBe(target.replace(/^v/, ''));
  });
});

describe('checkVersionStep refuses, saying why and what to do', () => {
  it.each([
    ['3.31.7', '3.33.0', false, /unknown Calico version '3.33.0'/, /use one of: 3.32.1, 3.31.7/],
    ['3.32.1', '3.31.7', false, /refusing to downgrade Calico from 3.32.1 to 3.31.7/, /--allow-downgrade/],
    [
      '3.30.7',
      '3.32.1',
      false,
      /refusing to skip from Calico 3.30.7 to 3.32.1/,
      /upgrade to 3.31.7 first .* then to 3.32.1/,
    ],
    ['3.29.7', '3.31.7', false, /refusing to skip/, /upgrade to 3.30.7 first/],
    ['3.32.1', '3.30.7', true, /refusing to skip/, /downgrade to 3.31.7 first/],
    ['3.28.2', '3.31.7', false, /refusing to skip/, /upgrade to 3.29.7 first/],
    ['2.9.0', '3.29.7', false, /major version/, /release notes/],
    ['master', '3.32.1', false, /not a release version/, /released version/],
  ] as const)('%s → %s (allowDowngrade %s)', (current, target, allowDowngrade, message, hint) => {
    let error: unknown;
    try {
      checkVersionStep({ current, target, allowDowngrade });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(message);
    expect(e.problems[0]?.hint).toMatch(hint);
  });
});

describe('planBatches', () => {
  it.each([
    [['a', 'b', 'c', 'd', 'e'], 1, [['a'], ['b'], ['c'], ['d'], ['e']]],
    [['a', 'b', 'c', 'd', 'e'], 2, [['a', 'b'], ['c', 'd'], ['e']]],
    [['a', 'b', 'c'], 5, [['a', 'b', 'c']]],
    [[], 1, []],
  ])('splits %j into batches of %i', (nodes, size, expected) => {
    expect(planBatches(nodes, size).map((b) => b.nodes)).toEqual(expected);
    expect(planBatches(nodes, size).map((b) => b.index)).toEqual(expected.map((_, i) => i + 1));
  });

  it('refuses a batch size below 1', () => {
    expect(() => planBatches(['a'], 0)).toThrow(/maxUnavailable must be a whole number/);
  });
});
