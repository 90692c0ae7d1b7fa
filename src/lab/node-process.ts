// One node's processes: an `unshare` of mount/UTS/IPC/PID namespaces inside the node's network namespace,
// an overlay of / with the node's own upper directory, and a real sshd. SIGKILL on the unshare PID ends
// the whole node (its PID namespace and mounts go with it). LAB ONLY.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { BOOT_FAT_SCRIPT } from './boot-fat.js';
import { KERNEL_VIEW_SCRIPT } from './boot-kernel.js';
import { commandLine, isAlive, killHard, readProcess, type HostProcess } from './host-processes.js';

export const NODE_INIT_SCRIPT = 'node-init.sh';

// Runs as PID 1 of the node's PID namespace, in a private copy of the host's mount namespace.
const INIT_SCRIPT = `#!/bin/sh
# picocal lab node init (LAB ONLY): builds the node's root and starts its sshd.
# usage: node-init.sh MERGED UPPER WORK HOSTNAME BOOTDIR BOOTFAT
set -eu
merged=$1 upper=$2 work=$3 host=$4 boot=$5 bootfat=$6
# Drop this copy's references to every lab's network namespaces, so deleting one on the host frees it.
umount -l /run/netns 2>/dev/null || true
mount -t overlay overlay -o "lowerdir=/,upperdir=$upper,workdir=$work" "$merged"
mount -t proc proc "$merged/proc"
# /proc/sys is read-only except net.*: a node may set its own net sysctls, never the host's vm.* or fs.*.
mount --bind "$merged/proc/sys" "$merged/proc/sys"
mount -o remount,bind,ro "$merged/proc/sys"
mount --bind "$merged/proc/sys/net" "$merged/proc/sys/net"
mount -o remount,bind,rw "$merged/proc/sys/net"
${KERNEL_VIEW_SCRIPT}mount -t sysfs -o ro sysfs "$merged/sys"
# A /dev of harmless devices only: a playbook on a node must never reach the host's disks.
mount -t tmpfs -o mode=755,size=1m tmpfs "$merged/dev"
mknod -m 666 "$merged/dev/null" c 1 3
mknod -m 666 "$merged/dev/zero" c 1 5
mknod -m 666 "$merged/dev/full" c 1 7
mknod -m 666 "$merged/dev/random" c 1 8
mknod -m 666 "$merged/dev/urandom" c 1 9
mknod -m 666 "$merged/dev/tty" c 5 0
mkdir "$merged/dev/pts" "$merged/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$merged/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$merged/dev/shm"
ln -s pts/ptmx "$merged/dev/ptmx"
ln -s /proc/self/fd "$merged/dev/fd"
ln -s /proc/self/fd/0 "$merged/dev/stdin"
ln -s /proc/self/fd/1 "$merged/dev/stdout"
ln -s /proc/self/fd/2 "$merged/dev/stderr"
# The host's /run and /tmp (lab keys, other labs) stay out of sight.
mount -t tmpfs -o mode=755,size=64m tmpfs "$merged/run"
mkdir -m 755 "$merged/run/sshd"
mount -t tmpfs -o mode=1777,size=512m tmpfs "$merged/tmp"
# Only the node's own host key exists on the node (these become overlay whiteouts).
rm -f "$merged"/etc/ssh/ssh_host_rsa_key* "$merged"/etc/ssh/ssh_host_ecdsa_key* "$merged"/etc/ssh/ssh_host_dsa_key*
# /boot/firmware is the board's FAT boot partition (see boot-fat.ts), served from the node's boot folder.
mkdir -p "$merged/boot/firmware"
/usr/bin/python3 "$bootfat" "$boot" "$merged/boot/firmware" </dev/null &
i=0
until grep -qs " $merged/boot/firmware fuse" /proc/self/mounts; do
  i=$((i + 1)); [ $i -le 100 ] || { echo "node-init: /boot/firmware (FAT stand-in) did not mount" >&2; exit 1; }
  sleep 0.05
done
hostname "$host"
# PID 1 stays a shell whose \`wait\` reaps every orphan (sshd's pre-auth children end up here).
exec chroot "$merged" /bin/sh -c '/usr/sbin/sshd -D -e & while :; do sleep 86400 & wait $!; done'
`;

export function writeInitScript(labDir: string): string {
  const path = join(labDir, NODE_INIT_SCRIPT);
  writeFileSync(path, INIT_SCRIPT, { mode: 0o755 });
  return path;
}

export interface NodePaths {
  dir: string;
  upperDir: string;
  workDir: string;
  mergedDir: string;
  /** The node's FAT boot partition contents (mounted at /boot/firmware by boot-fat.py). */
  bootDir: string;
  log: string;
}

export function nodePaths(labDir: string, nodeName: string): NodePaths {
  const dir = join(labDir, 'nodes', nodeName);
  return {
    dir,
    upperDir: join(dir, 'upper'),
    workDir: join(dir, 'work'),
    mergedDir: join(dir, 'merged'),
    bootDir: join(dir, 'boot'),
    log: join(dir, 'node.log'),
  };
}

export interface StartedNode {
  pid: number;
  /** Settles when the node's process ends (while this process watches it). */
  exited: Promise<number | null>;
}

export function spawnNode(labDir: string, netns: string, hostname: string): StartedNode {
  const p = nodePaths(labDir, hostname);
  const log = openSync(p.log, 'a');
  try {
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${netns}`,
        'unshare',
        '--mount',
        '--uts',
        '--ipc',
        '--pid',
        '--fork',
        '--kill-child',
        '/bin/sh',
        join(labDir, NODE_INIT_SCRIPT),
        p.mergedDir,
        p.upperDir,
        p.workDir,
        hostname,
        p.bootDir,
        join(labDir, BOOT_FAT_SCRIPT),
      ],
      // Own session: a Ctrl-C on `picocal lab up` must not take the nodes down with it.
      { detached: true, stdio: ['ignore', log, log] },
    );
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    child.unref();
    if (child.pid === undefined) throw new LabError(`could not start node ${hostname}`, { node: hostname });
    return { pid: child.pid, exited };
  } finally {
    closeSync(log);
  }
}

/** True when `pid` is still this node's unshare process (and not a reused PID). */
export function isNodeProcess(pid: number | undefined, hostname: string): boolean {
  if (!isAlive(pid)) return false;
  const argv = commandLine(pid);
  return (
    argv.includes('unshare') && argv.includes(hostname) && argv.some((a) => a.endsWith(NODE_INIT_SCRIPT))
  );
}

export function killNode(pid: number | undefined, hostname: string): void {
  if (pid !== undefined && isNodeProcess(pid, hostname)) killHard(pid);
}

/** The node's PID 1 (the unshare child): the process whose namespaces `nsenter` joins. */
export function nodeInitPid(unsharePid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8')
      .trim()
      .split(/\s+/);
    const first = Number(children[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

/** The listening sshd: an sshd whose parent is not an sshd (session processes are children of it). */
export function sshdListeners(nodeProcesses: readonly HostProcess[]): HostProcess[] {
  return nodeProcesses.filter((p) => p.comm === 'sshd' && readProcess(p.ppid)?.comm !== 'sshd');
}

export function tailOfLog(labDir: string, hostname: string, lines = 8): string {
  try {
    return readFileSync(nodePaths(labDir, hostname).log, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a fresh sshd inside a running node (after `sshd-stop`), in all of the node's namespaces. */
export function startSshd(labDir: string, unsharePid: number, hostname: string): void {
  const init = nodeInitPid(unsharePid);
  if (init === undefined) throw new LabError(`node ${hostname} is not running`, { node: hostname });
  const log = openSync(nodePaths(labDir, hostname).log, 'a');
  try {
    const child = spawn(
      'nsenter',
      [
        '--target',
        String(init),
        '--mount',
        '--uts',
        '--ipc',
        '--net',
        '--pid',
        '--root',
        '--wd',
        '/usr/sbin/sshd',
        '-D',
        '-e',
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.once('error', () => undefined);
    child.unref();
  } finally {
    closeSync(log);
  }
}
