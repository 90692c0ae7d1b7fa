// infrastructure/ under both Ansible versions picocal supports: --syntax-check with Debian's ansible-core
// and the newest one (the pinned venv of scripts/ansible-venv.sh), and ansible-lint --profile production
// with zero findings on roles and playbooks (scripts/ansible-check.sh). The venv is built on first use
// (it needs PyPI); outside CI a machine that cannot build it skips with the reason.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const venv = await execa('bash', ['scripts/ansible-venv.sh'], { reject: false, timeout: 600_000 });
const problem =
  venv.exitCode === 0 ? undefined : `no ansible venv: ${String(venv.stderr).trim().slice(-300)}`;
const run = problem && process.env['CI'] !== 'true' ? describe.skip : describe;

run(`Ansible static checks${problem ? ` [skipped: ${problem}]` : ''}`, () => {
  it('passes --syntax-check on both ansible-core versions and ansible-lint --profile production with no finding', async () => {
    const r = await execa('bash', ['scripts/ansible-check.sh', String(venv.stdout).trim()], {
      reject: false,
      timeout: 600_000,
      env: { NO_COLOR: '1' },
    });
    const out = `${String(r.stdout)}\n${String(r.stderr)}`;
    expect(r.exitCode, out).toBe(0);
    expect(out).toMatch(/== syntax-check: ansible-playbook \[core 2\.14\./);
    expect(out).toMatch(/== syntax-check: ansible-playbook \[core 2\.(19|[2-9]\d)\./);
    expect(out).toMatch(/Passed: 0 failure\(s\), 0 warning\(s\)/);
  }, 900_000);
});
