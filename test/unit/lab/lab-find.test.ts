// Which lab a `picocal lab ...` command means: --name, the lab of the inventory named, the only lab; a wrong
// name lists the labs that exist and exits 2.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLab, listLabs } from '../../../src/lab/lab-find.js';
import { labIdentity } from '../../../src/lab/lab-naming.js';

// Two fake labs (a lab.json only): unique names, removed afterwards.
const A = `zzfind${process.pid}a`;
const B = `zzfind${process.pid}b`;
beforeAll(() => {
  for (const name of [A, B]) {
    const dir = labIdentity(name).dir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'lab.json'),
      JSON.stringify({ name, dir, inventory: join(dir, 'inventory.yaml') }),
    );
  }
});
afterAll(() => {
  for (const name of [A, B]) rmSync(labIdentity(name).dir, { recursive: true, force: true });
});

describe('findLab', () => {
  it('lists the labs whose lab.json exists', () => {
    expect(listLabs()).toEqual(expect.arrayContaining([A, B]));
  });

  it.each([
    { what: '--name', opts: () => ({ name: B, labs: [A, B] }), want: B },
    {
      what: 'the inventory of a lab',
      opts: () => ({ inventory: join(labIdentity(B).dir, 'inventory.yaml'), labs: [A, B] }),
      want: B,
    },
    { what: 'the only lab', opts: () => ({ labs: [A] }), want: A },
    {
      what: 'the only lab, inventory elsewhere',
      opts: () => ({ inventory: '/elsewhere.yaml', labs: [A] }),
      want: A,
    },
  ])('$what → that lab', ({ opts, want }) => {
    expect(findLab(opts()).name).toBe(want);
  });

  it.each([
    {
      what: 'a wrong name',
      opts: { name: 'nope', labs: [A, B] },
      message: `no lab named 'nope' (labs here: ${A}, ${B})`,
      hint: `use --name with one of: ${A}, ${B}`,
    },
    {
      what: 'two labs, no name',
      opts: { labs: [A, B] },
      message: `several labs exist (${A}, ${B})`,
      hint: '--name NAME',
    },
    {
      what: 'no lab at all',
      opts: { labs: [] },
      message: 'there is no lab here',
      hint: 'picocal lab up --name demo',
    },
  ])('$what: exit 2, naming the labs that exist', ({ opts, message, hint }) => {
    expect(() => findLab(opts)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringContaining(message),
        hint: expect.stringContaining(hint),
      }),
    );
  });
});
