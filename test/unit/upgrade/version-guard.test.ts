import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { RunningVersion } from '../../../src/cluster/running-version.js';
import { guardProvisionVersion } from '../../../src/provision/version-guard.js';

const INV = '/work/inventory/picocluster.yaml';
const at = { file: INV, line: 14, column: 23 };

describe('guardProvisionVersion: bootstrap and reprovision never change the running version', () => {
  const goesOn: { running: RunningVersion; wanted: string; line: RegExp; warn: boolean }[] = [
    {
      running: { state: 'absent' },
      wanted: '3.31.7',
      line: /not installed yet: installing 3\.31\.7/,
      warn: false,
    },
    {
      running: { state: 'running', version: 'v3.31.7' },
      wanted: '3.31.7',
      line: /runs Calico 3\.31\.7, as/,
      warn: false,
    },
    {
      running: { state: 'running', version: '3.32.1' },
      wanted: 'v3.32.1',
      line: /runs Calico 3\.32\.1/,
      warn: false,
    },
    { running: { state: 'rolling' }, wanted: '3.31.7', line: /no Calico version yet/, warn: true },
  ];
  for (const c of goesOn) {
    it(`goes on when the cluster is ${c.running.state === 'running' ? `on ${c.running.version}` : c.running.state} and calico_version is ${c.wanted}`, () => {
      const note = guardProvisionVersion({
        kind: 'bootstrap',
        wanted: c.wanted,
        running: c.running,
        inventoryFile: INV,
      });
      expect(note.line).toMatch(c.line);
      expect(note.warn).toBe(c.warn);
    });
  }

  const refused: {
    kind: 'bootstrap' | 'reprovision';
    running: string;
    wanted: string;
    summary: string;
    hint: string;
  }[] = [
    {
      kind: 'bootstrap',
      running: 'v3.32.1',
      wanted: '3.31.7',
      summary:
        'refusing to bootstrap: calico_version 3.31.7 is older than the Calico 3.32.1 the cluster runs',
      hint: `set calico_version: "3.32.1" in ${INV}, or downgrade on purpose: picocal upgrade -i ${INV} --allow-downgrade (it goes to calico_version)`,
    },
    {
      kind: 'reprovision',
      running: 'v3.31.7',
      wanted: '3.32.1',
      summary:
        'refusing to reprovision: calico_version 3.32.1 is newer than the Calico 3.31.7 the cluster runs',
      hint: `upgrade with picocal upgrade -i ${INV} (to calico_version 3.32.1: rolling, gated, rolled back on failure), or set calico_version: "3.31.7" in ${INV}`,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.kind} with calico_version ${c.wanted} on a cluster running ${c.running} (exit 2, file:line, hint)`, () => {
      let err: unknown;
      try {
        guardProvisionVersion({
          kind: c.kind,
          wanted: c.wanted,
          running: { state: 'running', version: c.running },
          inventoryFile: INV,
          location: at,
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      const e = err as InputError;
      expect(e.exitCode).toBe(2);
      expect(e.message).toBe(c.summary);
      expect(e.problems).toEqual([
        expect.objectContaining({ location: at, field: 'all.vars.picocal.calico_version', hint: c.hint }),
      ]);
    });
  }
});
