// Inventory values are data: with the real ansible-playbook (connection local, nothing leaves this
// machine), a `lookup('pipe', …)` in an inventory value runs when Ansible reads it. picocal refuses such an
// inventory before Ansible starts; a value tagged !unsafe is accepted, and neither Ansible nor picocal's
// own ssh-arguments file (ansible-ssh-vars.yaml) ever evaluates it.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { sshVarsYaml } from '../../../src/ansible/run-playbook.js';
import { InputError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { sshTargetFor } from '../../../src/ssh/ssh-target.js';

const root = new URL('../../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'picocal-jinja-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The project's own group_vars beside the play, as beside install_calico.ansible: they template
// picocal_known_hosts and picocal_jump_host into ansible_ssh_common_args.
mkdirSync(join(dir, 'group_vars'));
copyFileSync(join(root, 'infrastructure/security/group_vars/all.yml'), join(dir, 'group_vars/all.yml'));

const base = readFileSync(join(root, 'inventory/picocluster.yaml'), 'utf8');
let n = 0;

/** The example inventory with `picocal_known_hosts` replaced by `value` (YAML source text). */
function withKnownHosts(value: string): string {
  return base.replace('picocal_known_hosts: ~/.ssh/known_hosts', `picocal_known_hosts: ${value}`);
}

/** A payload whose only effect is to create `sentinel` when a template engine evaluates it. */
function payload(sentinel: string): string {
  return `/tmp/kh{{ lookup('pipe', 'touch ${sentinel}') }}`;
}

/** Run the real ansible-playbook on this machine, with a play that reads the given variables. */
async function ansibleReads(inventoryText: string, vars: string[], extra: string[] = []): Promise<{ exitCode: number; stdout: string }> {
  const id = ++n;
  const inv = join(dir, `inv${id}.yaml`);
  // Ansible on this machine only: nothing connects anywhere.
  writeFileSync(inv, inventoryText.replace('  vars:\n', '  vars:\n    ansible_connection: local\n    ansible_python_interpreter: python3\n'));
  const play = join(dir, `play${id}.yaml`);
  writeFileSync(
    play,
    dump([
      {
        name: 'read',
        hosts: 'pc-node1',
        gather_facts: false,
        tasks: vars.map((v) => ({ name: `read ${v}`, 'ansible.builtin.debug': { msg: `{{ ${v} }}` } })),
      },
    ]),
  );
  const r = await execa('ansible-playbook', [play, '-i', inv, ...extra], {
    cwd: dir,
    reject: false,
    env: { ANSIBLE_CONFIG: join(root, 'infrastructure/ansible.cfg') },
  });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout) };
}

describe('Jinja in inventory values (real ansible-playbook)', () => {
  it('the payload is live: Ansible evaluates it when it reads the variable (what picocal must prevent)', async () => {
    const sentinel = join(dir, 'SENTINEL-live');
    await ansibleReads(withKnownHosts(JSON.stringify(payload(sentinel))), ['picocal_known_hosts']);
    expect(existsSync(sentinel)).toBe(true);
  }, 60_000);

  it.each([
    ['picocal_known_hosts', (p: string) => withKnownHosts(JSON.stringify(p))],
    ['picocal_jump_host', (p: string) => base.replace('picocal_board: pi5', `picocal_board: pi5\n          picocal_jump_host: ${JSON.stringify(p)}`)],
    ['ansible_become_password', (p: string) => base.replace('    ansible_port: 22\n', `    ansible_port: 22\n    ansible_become_password: ${JSON.stringify(p)}\n`)],
    ['a label value', (p: string) => base.replace('topology.kubernetes.io/zone: shelf-b', `topology.kubernetes.io/zone: ${JSON.stringify(p)}`)],
    ['a group variable', (p: string) => base.replace('    workers:\n', `    workers:\n      vars: { ansible_ssh_extra_args: ${JSON.stringify(p.replace('{{', '{%'))} }\n`)],
  ])('picocal refuses Jinja in %s with file:line and the field, before Ansible runs', (_what, make) => {
    const sentinel = join(dir, `SENTINEL-${++n}`);
    const text = make(payload(sentinel));
    const err = (() => {
      try {
        parseInventory(text, 'inv.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    const problem = (err as InputError).problems.find((p) => /contains Jinja/.test(p.message));
    expect(problem?.location?.file).toBe('inv.yaml');
    expect(problem?.location?.line).toBeGreaterThan(1);
    expect(problem?.field).toMatch(/^all\./);
    expect(existsSync(sentinel)).toBe(false);
  });

  it('a value tagged !unsafe is accepted, and Ansible never evaluates it: neither read directly nor through the ssh arguments picocal pins', async () => {
    const sentinel = join(dir, 'SENTINEL-unsafe');
    const text = withKnownHosts(`!unsafe ${JSON.stringify(payload(sentinel))}`);
    const inv = parseInventory(text, join(dir, 'unsafe.yaml'));
    expect(inv.hosts[0]?.ssh.knownHosts).toBe(payload(sentinel));
    const sshVars = join(dir, 'ssh-vars.yaml');
    writeFileSync(sshVars, sshVarsYaml(inv.hosts.map((h) => sshTargetFor(inv, h)), { dir: '/tmp/picocal-cp-x' }));
    expect(readFileSync(sshVars, 'utf8')).toContain(`touch ${sentinel}`);
    const r = await ansibleReads(text, ['picocal_known_hosts', 'ansible_ssh_args', 'ansible_ssh_common_args'], ['-e', `@${sshVars}`]);
    // Every task ran and printed the text as written.
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split(`touch ${sentinel}`).length - 1).toBe(3);
    expect(existsSync(sentinel)).toBe(false);
  }, 60_000);
});
