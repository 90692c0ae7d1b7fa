// `picocal doctor`: each check's verdict and fix (table-driven), and the command's table and exit code on
// this machine, with a program taken off PATH to see a failure.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ansibleCheck, knownHostsChecks, nodeCheck } from '../../../src/observe/doctor/doctor.js';
import { runCli } from '../../helpers/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'picocal-doctor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('doctor checks', () => {
  it.each([
    { version: '20.11.1', status: 'ok' },
    { version: '22.0.0', status: 'ok' },
    { version: '18.19.0', status: 'fail', fix: 'install Node.js 20+' },
  ])('Node.js $version → $status', ({ version, status, fix }) => {
    const c = nodeCheck(version);
    expect(c.status).toBe(status);
    if (fix) expect(c.fix).toContain(fix);
  });

  it.each([
    { line: 'ansible-playbook [core 2.16.3]', status: 'ok', detail: 'ansible-core 2.16.3' },
    { line: 'ansible-playbook [core 2.14.18]', status: 'ok', detail: 'ansible-core 2.14.18' },
    { line: 'ansible-playbook [core 2.13.9]', status: 'fail', detail: 'needs 2.14 or newer' },
    { line: 'ansible-playbook 2.9.6', status: 'warn', detail: 'cannot read the version' },
    { line: undefined, status: 'fail', detail: 'not found on PATH' },
  ])('$line → $status', ({ line, status, detail }) => {
    const c = ansibleCheck(line);
    expect(c.status).toBe(status);
    expect(c.detail).toContain(detail);
    if (status !== 'ok') expect(c.fix).toContain('install');
  });

  it('known_hosts: a missing file fails with the way to fill it; an existing one is ok', () => {
    const present = join(root, 'known_hosts');
    writeFileSync(present, '');
    const [missing, ok] = knownHostsChecks([join(root, 'none'), present]);
    expect(missing).toMatchObject({ status: 'fail', fix: expect.stringContaining('ssh-keyscan') });
    expect(ok).toMatchObject({ status: 'ok', detail: present });
  });
});

describe('picocal doctor', () => {
  it('prints one row per check with its status and exits 0 when nothing failed', async () => {
    const r = await runCli(['doctor', '--output', 'json']);
    const doc = JSON.parse(r.stdout) as { ok: boolean; checks: { check: string; status: string }[] };
    expect(doc.checks.map((c) => c.check)).toEqual([
      'node',
      'ansible-playbook',
      'ssh',
      'kubectl',
      'inventory',
      'known_hosts',
      'artifacts',
    ]);
    expect(r.code).toBe(doc.ok ? 0 : 1);
  });

  it('names a missing ansible-playbook with its fix and exits 1', async () => {
    // A PATH with ssh and kubectl but no ansible-playbook.
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const p of ['ssh', 'kubectl']) symlinkSync(`/usr/bin/${p}`, join(bin, p));
    const saved = process.env['PATH'];
    process.env['PATH'] = bin;
    try {
      const r = await runCli(['doctor']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^ansible-playbook +FAIL +not found on PATH +bash scripts\/install-deps\.sh/m);
      expect(r.stderr).toContain('check(s) failed: ansible-playbook');
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('an invalid inventory is a failed check naming file:line and the fix', async () => {
    const inv = join(root, 'broken.yaml');
    writeFileSync(
      inv,
      'all:\n  vars:\n    picocal:\n      cluster_name: x\n      calico_version: "3.32.1"\n      blok_size: 26\n',
    );
    const r = await runCli(['doctor', '-i', inv, '--output', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { checks: { check: string; status: string; detail: string }[] };
    expect(doc.checks.find((c) => c.check === 'inventory')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`${inv}:`),
    });
  });
});
