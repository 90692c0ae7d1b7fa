// What makes a node look like one board of a PicoCluster: files placed in its overlay upper directory
// before it starts (hostname, sshd config and host key, authorized key, a Pi-like /boot/firmware), so
// they shadow the host's copies inside that node only. LAB ONLY.
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NodeRootfsInput {
  labName: string;
  nodeName: string;
  upperDir: string;
  authorizedKey: string;
  /** Every lab node as `address name`, so nodes find each other by name without DNS. */
  hosts: { name: string; address: string }[];
  /** Control plane only: the kubeconfig k3s would write at /etc/rancher/k3s/k3s.yaml. */
  kubeconfig?: string;
  /** The login user: `root`, or a user with passwordless sudo (root login off), as Raspberry Pi OS sets up. */
  user: string;
  /** Host folder holding the node's FAT boot partition (mounted at /boot/firmware). */
  bootDir: string;
}

/** The first user's ids on Raspberry Pi OS (the imager's user, `pi` on older images). */
export const LAB_USER_ID = 1000;

export const NODE_HOST_KEY = '/etc/ssh/ssh_host_ed25519_key';
export const K3S_KUBECONFIG = '/etc/rancher/k3s/k3s.yaml';

// Directories overlay merges take their owner and mode from the upper layer: match the host's.
const DIR_MODES: Record<string, number> = { root: 0o700, 'root/.ssh': 0o700, 'root/.kube': 0o700 };

/** Creates the parent directories of `path` in the upper layer, each with the host's mode. */
function parentsOf(upper: string, path: string): string {
  const rel = path.replace(/^\/+/, '');
  let dir = '';
  for (const part of dirname(rel).split('/')) {
    if (part === '.' || part === '') continue;
    dir = dir ? `${dir}/${part}` : part;
    mkdirSync(join(upper, dir), { recursive: true, mode: DIR_MODES[dir] ?? 0o755 });
  }
  return join(upper, rel);
}

function put(upper: string, path: string, content: string, mode = 0o644): void {
  writeFileSync(parentsOf(upper, path), content, { mode });
}

export function sshdConfig(nodeName: string, user = 'root'): string {
  return [
    `# picocal lab node ${nodeName} (LAB ONLY): key-only login as ${user} with one ed25519 host key.`,
    'Port 22',
    'ListenAddress 0.0.0.0',
    `HostKey ${NODE_HOST_KEY}`,
    'PidFile /run/sshd.pid',
    // Raspberry Pi OS: no root login; the first user logs in and uses sudo.
    user === 'root' ? 'PermitRootLogin prohibit-password' : 'PermitRootLogin no',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    // Ansible opens many sessions over one multiplexed connection, and several controllers may connect.
    'MaxStartups 100:30:200',
    'MaxSessions 64',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    '',
  ].join('\n');
}

/** Raspberry Pi OS's kernel command line, with a PARTUUID stable per lab node. */
export function piCmdline(labName: string, nodeName: string): string {
  const partuuid = createHash('sha256').update(`${labName}/${nodeName}`).digest('hex').slice(0, 8);
  return `console=serial0,115200 console=tty1 root=PARTUUID=${partuuid}-02 rootfstype=ext4 fsck.repair=yes rootwait`;
}

/** The flags k3s's Raspberry Pi requirements add to cmdline.txt (k3s does not start without the memory
 *  cgroup, which a Pi kernel leaves off without them: boot-kernel.ts). Lab boards run k3s, so they have them
 *  (https://docs.k3s.io/installation/requirements?os=pi). */
export const K3S_PI_CGROUP_FLAGS = 'cgroup_memory=1 cgroup_enable=memory';

const PI_CONFIG_TXT = `# For more options and information see http://rptl.io/configtxt
dtparam=audio=on
camera_auto_detect=1
display_auto_detect=1
auto_initramfs=1
dtoverlay=vc4-kms-v3d
max_framebuffers=2
disable_fw_kms_setup=1
arm_64bit=1
disable_overscan=1
arm_boost=1

[cm4]
otg_mode=1

[all]
`;

export function prepareNodeRootfs(input: NodeRootfsInput): void {
  const u = input.upperDir;
  mkdirSync(u, { recursive: true, mode: 0o755 });
  put(u, '/etc/hostname', `${input.nodeName}\n`);
  put(
    u,
    '/etc/hosts',
    [
      '127.0.0.1\tlocalhost',
      `127.0.1.1\t${input.nodeName}`,
      '::1\t\tlocalhost ip6-localhost ip6-loopback',
      ...input.hosts.map((h) => `${h.address}\t${h.name}`),
      '',
    ].join('\n'),
  );
  // Nodes have no route out: a resolver on their own loopback fails fast instead of leaking queries.
  put(u, '/etc/resolv.conf', '# picocal lab: no DNS leaves the lab\nnameserver 127.0.0.1\n');
  put(u, '/etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  put(u, '/etc/ssh/sshd_config', sshdConfig(input.nodeName, input.user));
  if (input.user === 'root') put(u, '/root/.ssh/authorized_keys', `${input.authorizedKey}\n`, 0o600);
  else addSudoUser(u, input.user, input.authorizedKey);
  // A board starts with a stock root login, not this host's: the host's shell start-up files (pyenv
  // init, rehash locks) would otherwise run, and stall, on every SSH command to every node.
  put(u, '/root/.bashrc', '# picocal lab node: stock root shell\n', 0o644);
  put(
    u,
    '/root/.profile',
    '# picocal lab node: stock root shell\n[ -n "$BASH" ] && [ -f ~/.bashrc ] && . ~/.bashrc\n',
    0o644,
  );
  // The FAT boot partition's files (boot-fat.ts shows them as root:root 0755 whatever is stored here).
  mkdirSync(input.bootDir, { recursive: true, mode: 0o755 });
  writeFileSync(
    join(input.bootDir, 'cmdline.txt'),
    `${piCmdline(input.labName, input.nodeName)} ${K3S_PI_CGROUP_FLAGS}\n`,
  );
  writeFileSync(join(input.bootDir, 'config.txt'), PI_CONFIG_TXT);
  if (input.kubeconfig !== undefined) {
    put(u, K3S_KUBECONFIG, input.kubeconfig, 0o600);
    put(u, '/root/.kube/config', input.kubeconfig, 0o600);
  }
}

/** Host path of the node's host key: generated straight into the upper directory, kept across power cycles. */
export function hostKeyPathIn(upperDir: string): string {
  mkdirSync(upperDir, { recursive: true, mode: 0o755 });
  return parentsOf(upperDir, NODE_HOST_KEY);
}

/**
 * A login user as Raspberry Pi OS creates it: own group, home folder, member of sudo, passwordless sudo
 * through /etc/sudoers.d/010_pi-nopasswd, and no password for root (pi-gen's
 * stage2/01-sys-tweaks/01-run.sh: `adduser $FIRST_USER_NAME sudo`, the user named in 010_pi-nopasswd,
 * `usermod --pass='*' root`, https://github.com/RPi-Distro/pi-gen). The node's passwd and group are the
 * host's with this user added at uid/gid 1000 (any host entry with that id or name is left out).
 */
function addSudoUser(upper: string, user: string, authorizedKey: string): void {
  const id = String(LAB_USER_ID);
  const keep = (file: string, idField: number) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && l.split(':')[0] !== user && l.split(':')[idField] !== id);
  const home = `/home/${user}`;
  const passwd = [...keep('/etc/passwd', 2), `${user}:x:${id}:${id}::${home}:/bin/bash`];
  const groupLines = keep('/etc/group', 2).map((l) => {
    const [name, x, gid, members = ''] = l.split(':');
    if (name !== 'sudo') return l;
    return [name, x, gid, members ? `${members},${user}` : user].join(':');
  });
  // `*`: no password for anybody (key login only; no host password hash is copied), without locking the
  // account (sshd refuses a `!` password with UsePAM no).
  const shadow = passwd.map((l) => `${l.split(':')[0]}:*:19000:0:99999:7:::`);
  put(upper, '/etc/passwd', `${passwd.join('\n')}\n`);
  put(upper, '/etc/group', `${[...groupLines, `${user}:x:${id}:`].join('\n')}\n`);
  put(upper, '/etc/shadow', `${shadow.join('\n')}\n`, 0o640);
  put(upper, `/etc/sudoers.d/010_${user}-nopasswd`, `${user} ALL=(ALL) NOPASSWD: ALL\n`, 0o440);
  put(upper, `${home}/.ssh/authorized_keys`, `${authorizedKey}\n`, 0o600);
  put(upper, `${home}/.bashrc`, '# picocal lab node: stock user shell\n');
  put(upper, `${home}/.profile`, '[ -n "$BASH" ] && [ -f ~/.bashrc ] && . ~/.bashrc\n');
  for (const p of [
    home,
    `${home}/.ssh`,
    `${home}/.ssh/authorized_keys`,
    `${home}/.bashrc`,
    `${home}/.profile`,
  ]) {
    chownSync(join(upper, p), LAB_USER_ID, LAB_USER_ID);
  }
}
