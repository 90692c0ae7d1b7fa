// Which source `policy denied` reads, for the choices made before any cluster is asked: the kernel log
// when forced, and when only an inventory says which cluster it is (--follow follows either source).
import { describe, expect, it } from 'vitest';
import {
  deniedFromFlows,
  parseDeniedSource,
  type DeniedSource,
} from '../../../../src/observe/flows/denied-source.js';

describe('deniedFromFlows', () => {
  it.each<[string, DeniedSource, { kubeconfig?: string }, boolean, RegExp]>([
    ['forced', 'kernel-log', { kubeconfig: 'k' }, true, /--source kernel-log/],
    ['-i alone', 'auto', {}, true, /pass --kubeconfig or --context to read Goldmane/],
  ])('reads the kernel log: %s', async (_t, source, target, inventory, why) => {
    const r = await deniedFromFlows(source, target, 600, inventory);
    expect(r.kind).toBe('kernel-log');
    expect(r.kind === 'kernel-log' && r.why).toMatch(why);
  });

  it.each([
    [undefined, 'auto'],
    ['goldmane', 'goldmane'],
    ['kernel-log', 'kernel-log'],
  ])('--source %s', (text, want) => {
    expect(parseDeniedSource(text)).toBe(want);
  });

  it('refuses an unknown --source', () => {
    expect(() => parseDeniedSource('journal')).toThrow(
      "--source must be one of auto, goldmane, kernel-log, not 'journal'",
    );
  });
});
