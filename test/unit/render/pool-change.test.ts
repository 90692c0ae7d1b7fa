// A pool change a running cluster will not follow is said next to the diff (newcomer review L5, second half).
// Sources: IPPool reference ("blockSize ... can only be set when the pool is created",
// https://docs.tigera.io/calico/latest/reference/resources/ippool); pool migration,
// https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolChangeNotes, renderedPools } from '../../../src/render/pool-change.js';
import { runCli } from '../../helpers/run-cli.js';

function installation(pools: { name: string; cidr?: string; blockSize?: number }[]): string {
  const items = pools
    .map(
      (p) =>
        `      - name: ${p.name}\n` +
        (p.cidr ? `        cidr: ${p.cidr}\n` : '') +
        (p.blockSize !== undefined ? `        blockSize: ${p.blockSize}\n` : ''),
    )
    .join('');
  return (
    'apiVersion: operator.tigera.io/v1\nkind: APIServer\nmetadata: {name: default}\n---\n' +
    'apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n' +
    `  calicoNetwork:\n    ipPools:\n${items}`
  );
}

const A = { name: 'default-ipv4-ippool', cidr: '10.42.0.0/16', blockSize: 26 };

describe('poolChangeNotes', () => {
  const cases: {
    name: string;
    before: string | undefined;
    after: string;
    expect: RegExp[];
  }[] = [
    { name: 'first render', before: undefined, after: installation([A]), expect: [] },
    { name: 'no pool change', before: installation([A]), after: installation([A]), expect: [] },
    {
      name: 'cidr changed',
      before: installation([A]),
      after: installation([{ ...A, cidr: '10.244.0.0/16' }]),
      expect: [
        /default-ipv4-ippool: cidr 10\.42\.0\.0\/16 -> 10\.244\.0\.0\/16 does not reach.*migrate-pools/,
      ],
    },
    {
      name: 'blockSize changed',
      before: installation([A]),
      after: installation([{ ...A, blockSize: 24 }]),
      expect: [/blockSize 26 -> 24 does not reach a running cluster.*change-block-size/],
    },
    {
      name: 'both changed: two notes',
      before: installation([A]),
      after: installation([{ ...A, cidr: '10.50.0.0/16', blockSize: 28 }]),
      expect: [/cidr 10\.42\.0\.0\/16 -> 10\.50\.0\.0\/16/, /blockSize 26 -> 28/],
    },
    {
      name: 'a new pool name is a new pool, not a change',
      before: installation([A]),
      after: installation([{ ...A, name: 'other', cidr: '10.50.0.0/16' }]),
      expect: [],
    },
  ];
  it.each(cases)('$name', (c) => {
    const notes = poolChangeNotes(c.before, c.after);
    expect(notes).toHaveLength(c.expect.length);
    c.expect.forEach((re, i) => expect(notes[i]).toMatch(re));
  });

  it('reads the pools of the Installation document only', () => {
    expect(renderedPools(installation([A]), 'x.yaml')).toEqual([A]);
    expect(renderedPools('kind: APIServer\n', 'x.yaml')).toEqual([]);
  });
});

describe('plan and render --diff say when a pool change will not reach the cluster', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'picocal-pool-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const INVENTORY = resolve('inventory/picocluster.yaml');

  it('plan warns on stderr and lists the notes in --output json', async () => {
    const out = join(tmp, 'build');
    expect((await runCli(['render', '-i', INVENTORY, '--out', out])).code).toBe(0);
    const edited = join(tmp, 'edited.yaml');
    writeFileSync(edited, readFileSync(INVENTORY, 'utf8').replace('block_size: 26', 'block_size: 24'));
    const r = await runCli(['plan', '-i', edited, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+\s+blockSize: 24$/m);
    expect(r.stderr).toMatch(/warning: IP pool default-ipv4-ippool: blockSize 26 -> 24 does not reach/);
    const j = await runCli(['plan', '-i', edited, '--out', out, '--output', 'json']);
    expect((JSON.parse(j.stdout) as { notes: string[] }).notes).toEqual([
      expect.stringMatching(/blockSize 26 -> 24/),
    ]);
    const same = await runCli(['plan', '-i', INVENTORY, '--out', out]);
    expect(same.stderr).not.toMatch(/does not reach/);
    const r2 = await runCli(['render', '-i', edited, '--out', out, '--diff']);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toMatch(/blockSize 26 -> 24 does not reach/);
  });
});
