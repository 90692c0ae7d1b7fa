// The ssh arguments picocal pins for Ansible, read back the way the real tools read them: split with
// Python's shlex (as Ansible splits ansible_ssh_args), then evaluated by the real OpenSSH client
// (`ssh -G` prints the effective configuration without connecting). Whatever an inventory or
// ~/.ssh/config adds after them, the trust settings are picocal's.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ansibleSshArgs, jumpProxyCommand } from '../../../src/ansible/ssh-args.js';
import { trustOptionsIn } from '../../../src/inventory/ansible-vars.js';
import type { SshTarget } from '../../../src/ssh/ssh-target.js';

const target: SshTarget = {
  node: 'pc-node2',
  host: '192.168.1.102',
  port: 22,
  user: 'pi',
  privateKey: '/home/pi/.ssh/id ed25519',
  knownHosts: '/home/pi/odd dir/known_hosts%d',
  jump: undefined,
};
const sockets = { dir: '/tmp/picocal-cp-abc123' };

async function shlexSplit(s: string): Promise<string[]> {
  const r = await execa('python3', [
    '-c',
    'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))',
    s,
  ]);
  return JSON.parse(r.stdout) as string[];
}

/** `ssh -G` with picocal's arguments first and `after` (what an inventory could add) behind them. */
async function effective(t: SshTarget, after: string[]): Promise<Map<string, string>> {
  const args = await shlexSplit(ansibleSshArgs(t, sockets));
  const r = await execa('ssh', ['-G', ...args, ...after, '-p', String(t.port), '-l', t.user, t.host], {
    stdin: 'ignore',
  });
  return new Map(
    r.stdout.split('\n').map((l) => {
      const i = l.indexOf(' ');
      return [l.slice(0, i), l.slice(i + 1)] as [string, string];
    }),
  );
}

const OVERRIDES = [
  '-o', 'StrictHostKeyChecking=no',
  '-o', 'UserKnownHostsFile=/dev/null',
  '-o', 'GlobalKnownHostsFile=/etc/ssh/ssh_known_hosts',
  '-o', 'KnownHostsCommand=/bin/echo',
  '-o', 'UpdateHostKeys=yes',
  '-o', 'ProxyJump=evil@203.0.113.1',
  '-o', 'ControlPath=/tmp/shared/%C',
  '-o', 'PermitLocalCommand=yes',
  '-o', 'HostKeyAlgorithms=+ssh-rsa,ssh-dss',
]; // prettier-ignore

describe('ansible_ssh_args (real shlex, real ssh -G)', () => {
  it('wins over every trust option an inventory could add after it', async () => {
    const c = await effective(target, OVERRIDES);
    expect(c.get('stricthostkeychecking')).toBe('true');
    // One file (ssh took the quotes off), %% unescaped to a literal %.
    expect(c.get('userknownhostsfile')).toBe('/home/pi/odd dir/known_hosts%d');
    expect(c.get('globalknownhostsfile')).toBe('/dev/null');
    expect(c.has('knownhostscommand')).toBe(false);
    expect(c.get('updatehostkeys')).toBe('false');
    expect(c.has('proxyjump')).toBe(false);
    expect(c.has('proxycommand')).toBe(false);
    expect(c.get('controlpath')).toMatch(/^\/tmp\/picocal-cp-abc123\/[0-9a-f]{40}$/); // %C, expanded
    expect(c.get('permitlocalcommand')).toBe('no');
    // No SHA-1 RSA or DSA host keys; ssh's other defaults (certificates included) stay.
    const algorithms = (c.get('hostkeyalgorithms') ?? '').split(',');
    expect(algorithms.filter((a) => a.startsWith('ssh-rsa') || a.startsWith('ssh-dss'))).toEqual([]);
    expect(algorithms).toEqual(
      expect.arrayContaining([
        'ssh-ed25519',
        'rsa-sha2-512',
        'rsa-sha2-256',
        'ssh-ed25519-cert-v01@openssh.com',
      ]),
    );
  });

  it('reaches a board behind a jump host through a ProxyCommand with the same strict checks', async () => {
    const jump = {
      host: '192.168.1.101',
      port: 2222,
      user: "o'brien",
      privateKey: '/keys/jump key',
      knownHosts: '/kh/jump 100%',
      label: 'pc-node1',
    };
    const c = await effective({ ...target, jump }, OVERRIDES);
    const proxy = c.get('proxycommand') ?? '';
    // The command as ssh will hand it to the shell (%-tokens expanded by ssh), then as the shell splits it.
    const expanded = proxy
      .replace(/%%/g, '\0')
      .replace(/%h/g, target.host)
      .replace(/%p/g, '22')
      .replace(/\0/g, '%');
    const argv = await shlexSplit(expanded);
    expect(argv).toEqual([
      'ssh',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'UserKnownHostsFile="/kh/jump 100%%"', // the inner ssh expands %% to %
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'KnownHostsCommand=none',
      '-o', 'UpdateHostKeys=no',
      '-o', 'VerifyHostKeyDNS=no',
      '-o', 'PermitLocalCommand=no',
      '-o', 'HostKeyAlgorithms=-ssh-rsa*,ssh-dss*',
      '-o', 'ProxyCommand=none',
      '-o', 'ControlMaster=no',
      '-o', 'ControlPath=none',
      '-o', 'ClearAllForwardings=yes',
      '-p', '2222',
      '-l', "o'brien",
      '-i', '/keys/jump key',
      '-W', '[192.168.1.102]:22',
      '--', '192.168.1.101',
    ]); // prettier-ignore
    expect(jumpProxyCommand(jump)).toBe(proxy);
  });
});

describe('trust options in inventory ssh argument strings', () => {
  it.each([
    ['-o StrictHostKeyChecking=no', ['StrictHostKeyChecking=no']],
    ['-oUserKnownHostsFile=/dev/null', ['UserKnownHostsFile=/dev/null']],
    ["-o 'stricthostkeychecking no'", ['stricthostkeychecking no']],
    ['-o "ProxyCommand nc %h %p"', ['ProxyCommand nc %h %p']],
    ['-J a@b', ['-J']],
    ['-vJ a@b', ['-J']],
    ['-F /tmp/cfg', ['-F']],
    ['-o LogLevel=ERROR -o ServerAliveInterval=5 -C', []],
    ['-i key -v', []],
  ])('%s', (args, found) => {
    expect(trustOptionsIn(args)).toEqual(found);
  });
});
