// Ansible variables an inventory may not set, because they would change whom picocal and Ansible trust
// or where Ansible runs tasks. picocal verifies every board's host key against picocal_known_hosts with
// strict checking and hands Ansible the same file; these variables could undo that behind its back.
// Variable names: Ansible's ssh connection plugin (ansible/plugins/connection/ssh.py, ansible-core 2.14);
// option names: ssh_config(5), OpenSSH 9.
import type { PathSegment } from '../yaml/source-map.js';
import type { CheckContext } from '../schema/schema.js';

const TRUST = 'they would weaken the host-key checks picocal promises';

/** Refused whatever their value, with the reason shown to the user. */
const REFUSED: Record<string, { why: string; hint: string }> = {
  ansible_ssh_args: {
    why: `picocal sets the ssh arguments Ansible starts with (strict host-key checking against picocal_known_hosts, a control socket per run); replacing them could turn the checks off`,
    hint: 'remove it; for other ssh options use ansible_ssh_extra_args',
  },
  ansible_host_key_checking: { why: `host-key checking is always on under picocal`, hint: 'remove it; record new keys with `picocal verify --accept-new-host-keys`' },
  ansible_ssh_host_key_checking: { why: `host-key checking is always on under picocal`, hint: 'remove it; record new keys with `picocal verify --accept-new-host-keys`' },
  ansible_ssh_executable: { why: 'it replaces the ssh program Ansible runs on this machine', hint: 'remove it (put the ssh you want first on PATH)' },
  ansible_scp_executable: { why: 'it replaces the scp program Ansible runs on this machine', hint: 'remove it' },
  ansible_sftp_executable: { why: 'it replaces the sftp program Ansible runs on this machine', hint: 'remove it' },
  ansible_ssh_pkcs11_provider: { why: 'it loads a library into ssh on this machine', hint: 'remove it; use ssh-agent for hardware keys' },
  ansible_control_path: { why: 'picocal gives every run its own control sockets, so no connection is reused from another inventory or known_hosts file', hint: 'remove it' },
  ansible_control_path_dir: { why: 'picocal gives every run its own control sockets, so no connection is reused from another inventory or known_hosts file', hint: 'remove it' },
  ansible_ssh_host: { why: 'it would override ansible_host, the address picocal checks and connects to', hint: 'use ansible_host' },
  ansible_ssh_port: { why: 'it would override ansible_port, the port picocal checks and connects to', hint: 'use ansible_port' },
  ansible_ssh_user: { why: 'it would override ansible_user, the user picocal logs in as', hint: 'use ansible_user' },
  ansible_private_key_file: { why: 'it would override ansible_ssh_private_key_file, the key picocal logs in with', hint: 'use ansible_ssh_private_key_file' },
};

/**
 * Variables that act on this machine when set for `all`: Ansible's implicit `localhost`, which runs the
 * playbooks' controller-side checks (sha256 of the release files), takes the `all` group's variables.
 * https://docs.ansible.com/ansible/latest/inventory/implicit_localhost.html
 */
const NOT_IN_ALL = ['ansible_become_method', 'ansible_become_exe', 'ansible_become_flags', 'ansible_shell_executable', 'ansible_shell_type'];

/** ssh options that decide which host keys are trusted, where the connection goes or what runs locally. */
const TRUST_OPTIONS = new Set(
  [
    'StrictHostKeyChecking',
    'UserKnownHostsFile',
    'GlobalKnownHostsFile',
    'KnownHostsCommand',
    'HostKeyAlias',
    'VerifyHostKeyDNS',
    'UpdateHostKeys',
    'CheckHostIP',
    'ProxyCommand',
    'ProxyJump',
    'ProxyUseFdpass',
    'ControlPath',
    'ControlMaster',
    'ControlPersist',
    'LocalCommand',
    'PermitLocalCommand',
    'PKCS11Provider',
    'SecurityKeyProvider',
    'Hostname',
    'Port',
    'User',
    'Include',
    'Match',
  ].map((o) => o.toLowerCase()),
);
/** ssh flags with the same effect: -J jump, -F config file, -S control socket, -W forward, -M master. */
const TRUST_FLAGS = new Set(['J', 'F', 'S', 'W', 'M', 'G']);

/** Words of an argument string the way Ansible splits it (Python's shlex, POSIX mode), near enough. */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** The trust-related ssh options or flags in an argument string, as written. */
export function trustOptionsIn(args: string): string[] {
  const found: string[] = [];
  const w = words(args);
  for (let i = 0; i < w.length; i++) {
    const t = w[i] as string;
    if (!t.startsWith('-') || t.startsWith('--') || t.length < 2) continue;
    // A flag cluster such as -vJ or -oProxyCommand=…: flags up to the first one that takes a value.
    for (let j = 1; j < t.length; j++) {
      const f = t[j] as string;
      if (f === 'o') {
        const opt = j + 1 < t.length ? t.slice(j + 1) : (w[++i] ?? '');
        const name = (/^\s*([A-Za-z0-9]+)/.exec(opt)?.[1] ?? '').toLowerCase();
        if (TRUST_OPTIONS.has(name)) found.push(opt.trim());
        break;
      }
      if (TRUST_FLAGS.has(f)) {
        found.push(`-${f}`);
        break;
      }
    }
  }
  return found;
}

const ARG_VARS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_scp_extra_args', 'ansible_sftp_extra_args'];

/** Check the `ansible_*` variables of one group or host. `scope` is 'all' for all.vars. */
export function checkAnsibleVars(vars: unknown, path: PathSegment[], ctx: CheckContext, scope: 'all' | 'group' | 'host'): void {
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) return;
  for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
    const refused = REFUSED[k];
    if (refused) {
      ctx.problem([...path, k], `'${k}' is refused: ${refused.why}`, refused.hint, 'key');
    } else if (k === 'ansible_connection') {
      if (v !== 'ssh') {
        ctx.problem([...path, k], `ansible_connection ${JSON.stringify(v)} is refused: picocal runs every task over ssh with checked host keys (another connection could run the boards' tasks on this machine or skip the checks)`, 'remove it (ssh is the default) or set it to ssh');
      }
    } else if (ARG_VARS.includes(k)) {
      const found = typeof v === 'string' ? trustOptionsIn(v) : [];
      if (typeof v !== 'string') {
        ctx.problem([...path, k], `expected a string of ssh arguments, found ${typeof v}`);
      } else if (found.length) {
        ctx.problem([...path, k], `'${k}' sets ${found.join(', ')}: ${TRUST}, or change where the connection goes`, 'remove those options: picocal sets host-key checking, known_hosts, the jump host (picocal_jump_host) and control sockets itself');
      }
    } else if (scope === 'all' && NOT_IN_ALL.includes(k)) {
      ctx.problem([...path, k], `'${k}' in all.vars is refused: Ansible's implicit localhost takes the 'all' variables, and it runs the playbooks' checks on this machine`, 'set it on the boards\' groups instead (e.g. all.children.control_plane.vars and all.children.workers.vars)', 'key');
    }
  }
}
