// The ssh arguments Ansible starts every connection to a board with, built from the same resolved
// endpoints picocal's own client uses (src/ssh/ssh-target.ts). They reach Ansible as `ansible_ssh_args`
// in an extra-vars file: extra vars beat every inventory variable (Ansible's precedence rule 22), and
// Ansible puts ssh_args first on the ssh command line, where OpenSSH's "first obtained value wins" makes
// them beat anything in ansible_ssh_common_args/extra_args or ~/.ssh/config.
// https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_variables.html#understanding-variable-precedence
// https://man.openbsd.org/ssh_config (first obtained value; ProxyCommand vs ProxyJump)
import { InputError } from '../errors.js';
import { shellQuote } from '../ssh/shell-quote.js';
import type { SshEndpoint, SshTarget } from '../ssh/ssh-target.js';

/** One run's control sockets live here, so no master is shared with another run, inventory or known_hosts. */
export interface ControlSockets {
  dir: string;
}

/** Host-key trust, the same on every hop: only picocal_known_hosts, strict, nothing learned or looked up elsewhere. */
function trustOptions(knownHosts: string): string[] {
  return [
    'StrictHostKeyChecking=yes',
    `UserKnownHostsFile=${sshConfigPath(knownHosts)}`,
    'GlobalKnownHostsFile=/dev/null',
    'KnownHostsCommand=none',
    'UpdateHostKeys=no',
    'VerifyHostKeyDNS=no',
    'PermitLocalCommand=no',
    // No RSA/SHA-1 or DSA host keys, as picocal's own client (src/ssh/host-key.ts), also where the OpenSSH
    // here is older than 8.8 or ~/.ssh/config adds them back. Removing (`-`) keeps ssh's default list, so
    // host certificates still work and ssh still asks first for the key types known_hosts has.
    'HostKeyAlgorithms=-ssh-rsa*,ssh-dss*',
  ];
}

/**
 * A path as an ssh_config value: `%` escaped (ssh expands %-tokens in these options), quoted when it holds
 * whitespace (ssh splits such a value into several files).
 */
function sshConfigPath(path: string): string {
  if (/["\\\n\r]/.test(path)) {
    throw new InputError(`unusable path for ssh: ${JSON.stringify(path)}`, [
      {
        message:
          'ssh cannot take a known_hosts or key path that contains a double quote, a backslash or a line break',
        hint: 'rename or move the file',
      },
    ]);
  }
  const escaped = path.replace(/%/g, '%%');
  return /\s/.test(escaped) ? `"${escaped}"` : escaped;
}

/**
 * The command ssh runs to reach a board through its jump host: a second ssh with the same strict checks
 * against the jump host's known_hosts file (the implicit command of ProxyJump would use the user's
 * ~/.ssh/known_hosts and ssh_config policy instead).
 */
export function jumpProxyCommand(jump: SshEndpoint): string {
  const argv = [
    'ssh',
    ...[
      'BatchMode=yes',
      ...trustOptions(jump.knownHosts),
      'ProxyCommand=none',
      'ControlMaster=no',
      'ControlPath=none',
      'ClearAllForwardings=yes',
    ].flatMap((o) => ['-o', o]),
    '-p',
    String(jump.port),
    '-l',
    jump.user,
    // ssh expands %-tokens in IdentityFile too.
    ...(jump.privateKey ? ['-i', jump.privateKey.replace(/%/g, '%%')] : []),
    '-W',
    '[%h]:%p',
    '--',
    jump.host,
  ];
  // ssh expands %-tokens in ProxyCommand, then hands it to the shell: escape both, except our own tokens
  // (quoted too: `[` is a shell glob).
  return argv.map((a) => (a === '[%h]:%p' ? `'${a}'` : shellQuote(a.replace(/%/g, '%%')))).join(' ');
}

/** `ansible_ssh_args` for one board, as one string Ansible splits with Python's shlex. */
export function ansibleSshArgs(target: SshTarget, sockets: ControlSockets): string {
  const options = [
    // Keepalives make a board whose link drops fail in seconds; one master connection per board and run.
    'ControlMaster=auto',
    'ControlPersist=60s',
    `ControlPath=${sshConfigPath(sockets.dir)}/%C`,
    'ServerAliveInterval=2',
    'ServerAliveCountMax=3',
    ...trustOptions(target.knownHosts),
    // Set first, so a ProxyJump or ProxyCommand from anywhere else is ignored.
    `ProxyCommand=${target.jump ? jumpProxyCommand(target.jump) : 'none'}`,
  ];
  return options
    .flatMap((o) => ['-o', o])
    .map(shellQuote)
    .join(' ');
}
