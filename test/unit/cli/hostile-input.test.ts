// Hostile input through the real binaries (dist/src/cli/picocal.js, dist/src/cli/calico-validate.js):
// every case ends with the expected exit code and a message that says what is wrong, never a crash, a
// hang or an out-of-memory abort. Inventories go through `picocal render`, policies through
// calico-validate and `picocal policy stage`. Needs `npm run build`.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const PICOCAL = join(root, 'dist/src/cli/picocal.js');
const VALIDATE = join(root, 'dist/src/cli/calico-validate.js');
const dir = mkdtempSync(join(tmpdir(), 'picocal-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = readFileSync(join(root, 'inventory/picocluster.yaml'), 'utf8');
const addAllVars = (lines: string) =>
  BASE.replace('    ansible_port: 22\n', `    ansible_port: 22\n${lines}`);
const addChildren = (lines: string) => BASE.replace('  children:\n', `  children:\n${lines}`);
const onHost = (lines: string) =>
  BASE.replace('          picocal_board: pi5\n', `          picocal_board: pi5\n${lines}`);

/** `levels` groups, each with `width` children that alias the level below: width^levels groups. */
function groupBomb(levels: number, width: number): string {
  const rows = ['    b0: &b0 {hosts: {}}'];
  for (let i = 1; i <= levels; i++) {
    const kids = Array.from({ length: width }, (_, j) => `c${i}_${j}: *b${i - 1}`).join(', ');
    rows.push(`    b${i}: &b${i} {children: {${kids}}}`);
  }
  return addChildren(rows.join('\n') + '\n');
}

/** A "billion laughs" value in a pass-through variable (Ansible would get the file as is). */
function laughs(levels: number): string {
  const rows = ['    ansible_lol0: &l0 "lol"'];
  for (let i = 1; i <= levels; i++)
    rows.push(
      `    ansible_lol${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return addAllVars(rows.join('\n') + '\n');
}

interface Case {
  name: string;
  /** File text, or a function writing the file (huge files). */
  text: string | ((path: string) => void);
  code: number;
  /** Fragments the output (stdout + stderr) must contain. */
  says: (string | RegExp)[];
}

const huge = (text: string) => (path: string) => {
  writeFileSync(path, text);
  // A sparse 100 MiB file: refused by its size before it is read.
  truncateSync(path, 100 * 1024 * 1024);
};

const INVENTORY: Case[] = [
  { name: 'the example inventory', text: BASE, code: 0, says: ['render.json'] },
  {
    name: 'alias bomb in the group tree (10^8 groups)',
    text: groupBomb(8, 10),
    code: 2,
    says: ['YAML aliases expand too far', 'alias bomb'],
  },
  {
    name: 'small group fan-out through aliases (10^3 visits)',
    text: groupBomb(3, 10),
    code: 2,
    says: ['more than 1000 groups'],
  },
  {
    name: 'recursive alias',
    text: addChildren('    g: &g {children: {x: *g}}\n'),
    code: 2,
    says: ['recursive YAML alias', '*g'],
  },
  { name: 'billion laughs in a pass-through variable', text: laughs(9), code: 2, says: ['expand too far'] },
  {
    name: 'more than 100 aliases',
    text: addAllVars(`    ansible_a: &a x\n    ansible_b: [${Array(101).fill('*a').join(', ')}]\n`),
    code: 2,
    says: ['maxAliases', 'at most 100 aliases'],
  },
  { name: '100 MiB file', text: huge(BASE), code: 2, says: ['too large', '100 MiB', 'up to 8 MiB'] },
  {
    name: '5000-deep nesting',
    text: addAllVars(`    ansible_deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`),
    code: 2,
    says: ['maxDepth'],
  },
  {
    name: 'Jinja {{ in picocal_known_hosts',
    text: BASE.replace(
      'picocal_known_hosts: ~/.ssh/known_hosts',
      `picocal_known_hosts: "/tmp/kh{{ lookup('pipe','touch /tmp/PWNED') }}"`,
    ),
    code: 2,
    says: [/picocluster\.yaml|\.yaml:11:\d+/, 'all.vars.picocal_known_hosts', 'contains Jinja'],
  },
  {
    name: 'Jinja {% in picocal_jump_host',
    text: onHost('          picocal_jump_host: "{% if 1 %}x{% endif %}"\n'),
    code: 2,
    says: ['picocal_jump_host', 'contains Jinja ({%)'],
  },
  {
    name: 'Jinja {# in an ansible_* variable',
    text: addAllVars('    ansible_become_password: "{# x #}"\n'),
    code: 2,
    says: ['ansible_become_password', 'contains Jinja ({#)'],
  },
  {
    name: 'Jinja in a label value',
    text: BASE.replace('zone: shelf-b', 'zone: "{{ x }}"'),
    code: 2,
    says: ['picocal_labels', 'contains Jinja'],
  },
  {
    name: '!unsafe value with Jinja in a pass-through variable',
    text: addAllVars(`    ansible_become_password: !unsafe "{{ not evaluated }}"\n`),
    code: 0,
    says: ['render.json'],
  },
  {
    name: '!vault in a pass-through variable',
    text: addAllVars(
      '    ansible_become_password: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162636465\n',
    ),
    code: 0,
    says: ['render.json'],
  },
  {
    name: '!vault where picocal needs the value',
    text: BASE.replace(
      'ansible_user: pi',
      'ansible_user: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162',
    ),
    code: 2,
    says: ['Ansible Vault value (!vault)', 'must be plain text'],
  },
  {
    name: '!vault on a mapping',
    text: addAllVars('    ansible_x: !vault {a: 1}\n'),
    code: 2,
    says: ['unknown mapping tag', '!vault and !unsafe on a scalar'],
  },
  {
    name: 'group named __proto__',
    text: addChildren('    __proto__: {hosts: {"evil_host!": {ansible_host: not-an-ip}}}\n'),
    code: 2,
    says: ["'__proto__' cannot be used as a name"],
  },
  {
    name: 'host named constructor',
    text: BASE.replace(
      '        pc-node2:\n',
      '        constructor:\n          ansible_host: 192.168.1.120\n        pc-node2:\n',
    ),
    code: 2,
    says: ["'constructor' cannot be used as a name"],
  },
  {
    name: 'group named prototype',
    text: addChildren('    prototype: {hosts: {}}\n'),
    code: 2,
    says: ["'prototype' cannot be used as a name"],
  },
  {
    name: 'a board named localhost',
    text: BASE.replace(
      '        pc-node2:\n',
      '        localhost:\n          ansible_host: 192.168.1.120\n        pc-node2:\n',
    ),
    code: 2,
    says: ["cannot be named 'localhost'"],
  },
  {
    name: 'ansible_ssh_args',
    text: addAllVars('    ansible_ssh_args: -o StrictHostKeyChecking=no\n'),
    code: 2,
    says: ["'ansible_ssh_args' is refused"],
  },
  {
    name: 'ansible_ssh_common_args with StrictHostKeyChecking',
    text: onHost('          ansible_ssh_common_args: "-o StrictHostKeyChecking=no"\n'),
    code: 2,
    says: ['sets StrictHostKeyChecking=no'],
  },
  {
    name: 'ansible_ssh_common_args with UserKnownHostsFile',
    text: onHost('          ansible_ssh_common_args: -o LogLevel=ERROR -oUserKnownHostsFile=/dev/null\n'),
    code: 2,
    says: ['sets UserKnownHostsFile=/dev/null'],
  },
  {
    name: 'ansible_ssh_extra_args with GlobalKnownHostsFile',
    text: addAllVars('    ansible_ssh_extra_args: "-o \'GlobalKnownHostsFile /tmp/x\'"\n'),
    code: 2,
    says: ['GlobalKnownHostsFile'],
  },
  {
    name: 'ansible_ssh_extra_args with ProxyCommand',
    text: addAllVars('    ansible_ssh_extra_args: -o ProxyCommand=nc\\ %h\\ %p\n'),
    code: 2,
    says: ['ProxyCommand'],
  },
  {
    name: 'ansible_ssh_extra_args with -J',
    text: addAllVars('    ansible_ssh_extra_args: -J evil@1.2.3.4\n'),
    code: 2,
    says: ['sets -J'],
  },
  {
    name: 'ansible_sftp_extra_args with KnownHostsCommand',
    text: addAllVars('    ansible_sftp_extra_args: -oKnownHostsCommand=/bin/echo\n'),
    code: 2,
    says: ['KnownHostsCommand'],
  },
  {
    name: 'harmless ansible_ssh_extra_args',
    text: addAllVars('    ansible_ssh_extra_args: -o ServerAliveInterval=5\n'),
    code: 0,
    says: ['render.json'],
  },
  {
    name: 'ansible_connection local',
    text: addAllVars('    ansible_connection: local\n'),
    code: 2,
    says: ['ansible_connection "local" is refused'],
  },
  {
    name: 'ansible_connection ssh',
    text: addAllVars('    ansible_connection: ssh\n'),
    code: 0,
    says: ['render.json'],
  },
  {
    name: 'ansible_host_key_checking',
    text: addAllVars('    ansible_host_key_checking: false\n'),
    code: 2,
    says: ["'ansible_host_key_checking' is refused"],
  },
  {
    name: 'ansible_ssh_host_key_checking',
    text: onHost('          ansible_ssh_host_key_checking: false\n'),
    code: 2,
    says: ["'ansible_ssh_host_key_checking' is refused"],
  },
  {
    name: 'ansible_ssh_executable',
    text: addAllVars('    ansible_ssh_executable: /tmp/not-ssh\n'),
    code: 2,
    says: ["'ansible_ssh_executable' is refused"],
  },
  {
    name: 'ansible_ssh_pkcs11_provider',
    text: addAllVars('    ansible_ssh_pkcs11_provider: /tmp/lib.so\n'),
    code: 2,
    says: ['loads a library'],
  },
  {
    name: 'ansible_control_path',
    text: addAllVars('    ansible_control_path: /tmp/cp/%C\n'),
    code: 2,
    says: ["'ansible_control_path' is refused"],
  },
  {
    name: 'ansible_ssh_host next to ansible_host',
    text: onHost('          ansible_ssh_host: 10.9.9.9\n'),
    code: 2,
    says: ['use ansible_host'],
  },
  {
    name: 'ansible_become_exe for all (implicit localhost)',
    text: addAllVars('    ansible_become_exe: /tmp/evil\n'),
    code: 2,
    says: ['implicit localhost'],
  },
  {
    name: 'ansible_become_exe on a board group',
    text: BASE.replace('    workers:\n', '    workers:\n      vars: {ansible_become_exe: sudo}\n'),
    code: 0,
    says: ['render.json'],
  },
];

const POLICY_HEAD = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: p, namespace: default}
spec:
  selector: app == 'backend'
  types: [Ingress]
  ingress: [{action: Deny}]
`;
function policyBomb(levels: number): string {
  const rows = ['  x0: &x0 {a: 1}'];
  for (let i = 1; i <= levels; i++)
    rows.push(`  x${i}: &x${i} {${Array.from({ length: 10 }, (_, j) => `k${j}: *x${i - 1}`).join(', ')}}`);
  return POLICY_HEAD.replace('spec:\n', `spec:\n  notes:\n${rows.map((r) => '  ' + r).join('\n')}\n`);
}

const POLICY: Case[] = [
  { name: 'a plain deny policy', text: POLICY_HEAD, code: 0, says: ['DENY'] },
  {
    name: 'order .nan',
    text: POLICY_HEAD.replace('spec:\n', 'spec:\n  order: .nan\n'),
    code: 2,
    says: ['order must be a finite number', 'NaN'],
  },
  {
    name: 'order .inf',
    text: POLICY_HEAD.replace('spec:\n', 'spec:\n  order: .inf\n'),
    code: 2,
    says: ['order must be a finite number', 'Infinity'],
  },
  {
    name: 'order -.inf',
    text: POLICY_HEAD.replace('spec:\n', 'spec:\n  order: -.inf\n'),
    code: 2,
    says: ['order must be a finite number'],
  },
  {
    name: '9-level mapping bomb in an unknown spec field',
    text: policyBomb(9),
    code: 2,
    says: ['alias bomb'],
  },
  {
    name: 'recursive alias',
    text: POLICY_HEAD.replace('spec:\n', 'spec: &s\n  again: *s\n'),
    code: 2,
    says: ['inside its own anchor'],
  },
  { name: '100 MiB file', text: huge(POLICY_HEAD), code: 2, says: ['up to 8 MiB'] },
  {
    name: 'an Ansible tag',
    text: POLICY_HEAD.replace("selector: app == 'backend'", "selector: !unsafe app == 'backend'"),
    code: 2,
    says: ['accepts only the standard YAML tags'],
  },
  {
    name: 'a __proto__ key',
    text: POLICY_HEAD.replace('spec:\n', 'spec:\n  __proto__: {selector: all()}\n'),
    code: 0,
    says: ['DENY'],
  },
];

let n = 0;
function write(c: Case): string {
  const path = join(dir, `case${++n}.yaml`);
  if (typeof c.text === 'string') writeFileSync(path, c.text);
  else c.text(path);
  return path;
}

async function run(bin: string, args: string[]): Promise<{ code: number; out: string }> {
  // The timeout only guards against a hang: a case that needs it fails.
  const r = await execa('node', [bin, ...args], { cwd: dir, reject: false, timeout: 30_000, all: true });
  return { code: r.timedOut ? -1 : (r.exitCode ?? -1), out: String(r.all ?? '') };
}

describe.concurrent('hostile inventories through `picocal render`', () => {
  it.each(INVENTORY)('$name → exit $code', async (c) => {
    const file = write(c);
    const r = await run(PICOCAL, ['render', '-i', file, '--out', join(dir, `out${n}-${Math.random()}`)]);
    expect(r.code, r.out).toBe(c.code);
    for (const s of c.says) expect(r.out).toMatch(s);
    if (c.code === 2) expect(r.out).not.toMatch(/unexpected error|heap out of memory|at .*\.js:\d+/);
  });
});

describe.concurrent('hostile policies through calico-validate and `picocal policy stage`', () => {
  const cluster = join(root, 'test/fixtures/policy/quickstart/cluster.yaml');
  it.each(POLICY)('calico-validate: $name → exit $code', async (c) => {
    const file = write(c);
    const r = await run(VALIDATE, [
      'frontend-pod',
      'backend-pod',
      '--port',
      '8080',
      '--cluster',
      cluster,
      '--policies',
      file,
      '--expect',
      'deny',
    ]);
    expect(r.code, r.out).toBe(c.code);
    for (const s of c.says) expect(r.out).toMatch(s);
  });
  it.each(POLICY.filter((c) => c.code === 2 && !/order|tag/.test(c.name)))(
    'policy stage: $name → exit 2',
    async (c) => {
      const file = write(c);
      const r = await run(PICOCAL, ['policy', 'stage', file, '--out', join(dir, `staged${n}`)]);
      expect(r.code, r.out).toBe(2);
      for (const s of c.says) expect(r.out).toMatch(s);
    },
  );
});
