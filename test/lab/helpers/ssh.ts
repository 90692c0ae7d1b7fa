// The real OpenSSH client against lab nodes, with strict host-key checking and the lab's known_hosts:
// what picocal and Ansible do, without any user ssh config.
import { execa } from 'execa';
import type { LabNodeState, LabState } from '../../../src/lab/lab-state.js';

export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface SshOptions {
  knownHosts?: string;
  connectTimeout?: number;
  extra?: string[];
}

export function sshArgs(state: LabState, node: LabNodeState, opts: SshOptions = {}): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${opts.knownHosts ?? state.knownHosts}`,
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `ConnectTimeout=${opts.connectTimeout ?? 5}`,
    '-i',
    state.privateKey,
    ...(opts.extra ?? ['-o', 'ControlMaster=no', '-o', 'ControlPath=none']),
    `${state.user ?? 'root'}@${node.address}`,
  ];
}

export async function ssh(
  state: LabState,
  node: LabNodeState,
  command: string,
  opts: SshOptions = {},
): Promise<SshResult> {
  const started = Date.now();
  const r = await execa('ssh', [...sshArgs(state, node, opts), command], { reject: false, timeout: 30_000 });
  return {
    exitCode: typeof r.exitCode === 'number' ? r.exitCode : -1,
    stdout: String(r.stdout).trim(),
    stderr: String(r.stderr),
    ms: Date.now() - started,
  };
}

export function nodeOf(state: LabState, name: string): LabNodeState {
  const n = state.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name} in lab ${state.name}`);
  return n;
}
