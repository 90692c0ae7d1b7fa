// calico-validate's help and options are its own: it reads no inventory and touches no node, so its help
// lists neither -i/--inventory nor exit 3 ("some nodes failed"), and -i is an unknown option there
// (newcomer review L6).
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../helpers/run-calico-validate.js';

describe('calico-validate --help', () => {
  it('lists only the global options and exit codes that apply to it', async () => {
    const r = await runValidate('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--output text|json');
    expect(r.stdout).not.toContain('--inventory');
    expect(r.stdout).not.toMatch(/^\s*3\s/m);
    expect(r.stdout).toMatch(/^\s*1\s+the verdict is not --expect/m);
    expect(r.stdout).toMatch(/^\s*130\s/m);
  });

  it.each([['-i'], ['--inventory']])('refuses %s as an unknown option (exit 2)', async (opt) => {
    const r = await runValidate('a', 'b', opt, 'inv.yaml', '--cluster', 'c.yaml', '--policies', 'p.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`unknown option '${opt}'`);
    expect(r.stdout).toBe('');
  });
});
