// The roles' settings in a picocal inventory (calico_* variables in all.vars, a group's vars or a board's):
// checked against the roles' meta/argument_specs.yml, refused when picocal renders or passes them itself,
// and, once accepted, what Ansible really uses (an inventory variable outranks the role default, and the
// role's own argument validation in ansible-core agrees with picocal's check).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, formatProblem } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { overridableRoleInputs, roleInputs } from '../../../src/inventory/role-inputs.js';

const VALID = `all:
  vars:
    picocal:
      cluster_name: demo
      calico_version: "3.32.1"
      kubernetes:
        flavour: k3s
      pod_cidr: 10.42.0.0/16
      service_cidr: 10.43.0.0/16
      node_network: 192.168.1.0/24
      encapsulation: VXLAN
  children:
    control_plane:
      hosts:
        cp1:
          ansible_host: 192.168.1.10
    workers:
      hosts:
        w1:
          ansible_host: 192.168.1.11
`;

function problemsOf(text: string) {
  try {
    parseInventory(text, 'inv.yaml');
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  return [];
}

const inAll = (line: string) => VALID.replace('  vars:\n', `  vars:\n    ${line}\n`);
const onBoard = (line: string) =>
  VALID.replace('ansible_host: 192.168.1.11\n', `ansible_host: 192.168.1.11\n          ${line}\n`);
const inGroup = (line: string) => VALID.replace('    workers:\n', `    workers:\n      vars:\n        ${line}\n`);

describe('role settings in the inventory', () => {
  it.each([
    ['all.vars', inAll('calico_operator_timeout: 900')],
    ['a group', inGroup('calico_node_prep_reboot_timeout: 1200')],
    ['a board', onBoard('calico_node_prep_cgroup_flags: [cgroup_enable=memory, cgroup_memory=1]')],
    ['all.vars (string)', inAll('calico_preflight_min_kernel: "6.1"')],
  ])('accepts a setting in %s', (_where, text) => {
    expect(problemsOf(text).map(formatProblem)).toEqual([]);
  });

  it.each([
    {
      what: 'a wrong type',
      text: inAll('calico_operator_timeout: soon'),
      field: 'all.vars.calico_operator_timeout',
      message: /expected a whole number, found "soon"/,
      line: 3,
    },
    {
      what: 'a list of the wrong elements',
      text: onBoard('calico_node_prep_cgroup_flags: [1, 2]'),
      field: 'all.children.workers.hosts.w1.calico_node_prep_cgroup_flags',
      message: /expected a list of str/,
      line: 21,
    },
    {
      what: 'a misspelt setting',
      text: inGroup('calico_operator_timout: 900'),
      field: 'all.children.workers.vars.calico_operator_timout',
      message: /unknown role setting/,
      line: 19,
      hint: /did you mean 'calico_operator_timeout'/,
    },
    {
      what: 'a variable picocal renders from picocal:',
      text: inAll('calico_encapsulation: IPIP'),
      field: 'all.vars.calico_encapsulation',
      message: /refused: picocal renders it/,
      line: 3,
    },
    {
      what: 'where release files come from (picocal passes the folder it checked)',
      text: inAll('calico_operator_artifacts_dir: /tmp/mine'),
      field: 'all.vars.calico_operator_artifacts_dir',
      message: /refused: picocal passes the folder of release files it checked/,
      line: 3,
    },
    {
      what: 'where the render is read from',
      text: onBoard('calico_rendered_vars_dir: /tmp/other'),
      field: 'all.children.workers.hosts.w1.calico_rendered_vars_dir',
      message: /refused: picocal passes the folder of its own render/,
      line: 21,
    },
  ])('refuses $what with file:line and field', ({ text, field, message, line, hint }) => {
    const problems = problemsOf(text);
    const p = problems.find((x) => x.field === field && message.test(x.message));
    expect(p, `problems were:\n${problems.map(formatProblem).join('\n')}`).toBeDefined();
    expect(p?.location).toMatchObject({ file: 'inv.yaml', line });
    if (hint) expect(p?.hint).toMatch(hint);
  });

  it("every role declares its inputs, and each role default is declared with the same value", () => {
    const roles = resolve('infrastructure/roles');
    const inputs = roleInputs();
    for (const role of readdirSync(roles)) {
      expect(existsSync(join(roles, role, 'meta', 'argument_specs.yml')), role).toBe(true);
      const defaultsFile = join(roles, role, 'defaults', 'main.yml');
      if (!existsSync(defaultsFile)) continue;
      const defaults = load(readFileSync(defaultsFile, 'utf8')) as Record<string, unknown>;
      const specs = load(readFileSync(join(roles, role, 'meta', 'argument_specs.yml'), 'utf8')) as {
        argument_specs: Record<string, { options: Record<string, { default?: unknown }> }>;
      };
      for (const [name, value] of Object.entries(defaults)) {
        expect(inputs.get(name)?.role, name).toBe(role);
        const declared = Object.values(specs.argument_specs)
          .map((e) => e.options[name])
          .filter(Boolean);
        expect(declared.length, name).toBeGreaterThan(0);
        for (const d of declared) expect(d?.default, name).toEqual(value);
      }
    }
    expect(overridableRoleInputs().map((i) => i.name)).toContain('calico_operator_timeout');
  });
});

describe('what Ansible does with them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'picocal-rolein-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the real role calico_preflight's argument validation (and nothing else of it) on a local board. */
  async function validate(vars: Record<string, unknown>) {
    const inv = join(dir, `inv-${Object.keys(vars).join('-') || 'none'}.yaml`);
    writeFileSync(
      inv,
      JSON.stringify({
        all: {
          vars: {
            calico_node_address: '127.0.0.1',
            calico_node_cmdline_path: '/boot/firmware/cmdline.txt',
            calico_pod_cidr: '10.42.0.0/16',
            calico_service_cidr: '10.43.0.0/16',
            calico_encapsulation: 'VXLAN',
            calico_control_plane: 'b',
            ...vars,
          },
          hosts: { b: { ansible_connection: 'local', ansible_python_interpreter: 'python3' } },
        },
      }),
    );
    const play = join(dir, 'play.yaml');
    // The role's own argument validation is tagged `always`; its other tasks are not selected.
    writeFileSync(
      play,
      JSON.stringify([
        {
          hosts: 'all',
          gather_facts: false,
          tasks: [
            { name: 'role', 'ansible.builtin.import_role': { name: 'calico_preflight' } },
            {
              name: 'show',
              'ansible.builtin.debug': { msg: 'skew={{ calico_preflight_max_clock_skew }}' },
              tags: ['always'],
            },
          ],
        },
      ]),
    );
    return execa('ansible-playbook', ['-i', inv, play, '--tags', 'picocal-none'], {
      reject: false,
      env: { ANSIBLE_ROLES_PATH: resolve('infrastructure/roles') },
    });
  }

  it('an inventory value outranks the role default and passes the role spec', async () => {
    const r = await validate({ calico_preflight_max_clock_skew: 90 });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/skew=90/);
  }, 60_000);

  it("ansible-core's own validation refuses what picocal refuses (wrong type, encapsulation not offered)", async () => {
    const bad = await validate({ calico_preflight_max_clock_skew: 'soon' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toMatch(/calico_preflight_max_clock_skew/);
    const enc = await validate({ calico_encapsulation: 'GRE' });
    expect(enc.exitCode).not.toBe(0);
    expect(enc.stdout).toMatch(/calico_encapsulation/);
  }, 60_000);
});
