// Shared set-up for lab tests: one real lab per test file (unique name, so files run in parallel), torn
// down even when a test fails. Off root/Linux the tests are skipped with the reason, except under
// CI=true, where they must run and therefore fail.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { labHostProblem } from '../../../src/lab/host-requirements.js';
import { labDown } from '../../../src/lab/lab-down.js';
import { labUp } from '../../../src/lab/lab-up.js';
import type { LabState } from '../../../src/lab/lab-state.js';
import type { LabFlavour } from '../../../src/lab/k3s-flavour.js';

export function describeLab(title: string, body: () => void): void {
  const problem = labHostProblem();
  if (!problem) {
    describe(title, body);
  } else if (process.env['CI'] === 'true') {
    describe(title, () => {
      it('runs on this CI machine (lab tests must not be skipped in CI)', () => {
        throw new Error(`lab tests cannot run: ${problem}`);
      });
    });
  } else {
    console.warn(`skipping lab tests "${title}": ${problem}`);
    describe.skip(`${title} [skipped: ${problem}]`, body);
  }
}

/**
 * A lab started before the file's tests and removed after them. Boards log in as `opts.user`: tests written
 * for root-login boards keep `root` (the default here); `pi` gives boards as Raspberry Pi OS sets them up.
 */
export function useLab(
  name: string,
  nodes: number,
  opts: { apiServer?: boolean; user?: string; flavour?: LabFlavour; kubernetesVersion?: string } = {},
): { readonly state: LabState } {
  let state: LabState | undefined;
  beforeAll(async () => {
    await labDown({ name }); // a previous run that was killed mid-way
    state = (await labUp({ name, nodes, ...opts, user: opts.user ?? 'root' })).state;
  });
  afterAll(async () => {
    await labDown({ name });
  });
  return {
    get state(): LabState {
      if (!state) throw new Error(`lab ${name} did not start`);
      return state;
    },
  };
}
