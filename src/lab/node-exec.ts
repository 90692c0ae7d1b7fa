// Running a host program inside one lab node's network namespace (`ip netns exec`): it sees the host's
// files but the node's network, so a server on 127.0.0.1 is that node's loopback. The operator stand-in
// starts calico-node stand-ins this way; `lab down` and `power-off` kill everything in the namespace.
// LAB ONLY.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { execa } from 'execa';
import { LabError } from '../errors.js';
import type { LabNodeState, LabState } from './lab-state.js';
import { boardCommand } from './profile/lab-profile.js';

export interface RunInNodeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends stdout and stderr to this file (otherwise `stdio` applies, default ignore). */
  logFile?: string;
  stdio?: StdioOptions;
  /** Survives the caller: own session, not waited for. */
  detached?: boolean;
}

function netnsOf(state: LabState, node: string | LabNodeState): { name: string; netns: string } {
  const found = typeof node === 'string' ? state.nodes.find((n) => n.name === node) : node;
  if (!found) throw new LabError(`lab '${state.name}' has no node '${String(node)}'`);
  if (!existsSync(`/run/netns/${found.netns}`)) {
    throw new LabError(`${found.name} is powered off (no network namespace ${found.netns})`, {
      node: found.name,
    });
  }
  return { name: found.name, netns: found.netns };
}

export function runInNode(
  state: LabState,
  node: string | LabNodeState,
  argv: readonly string[],
  opts: RunInNodeOptions = {},
): ChildProcess {
  const { netns, name } = netnsOf(state, node);
  if (argv.length === 0) throw new LabError('runInNode needs a program to run');
  const [file = 'ip', ...args] = boardCommand(state.dir, state.name, name, [
    'ip',
    'netns',
    'exec',
    netns,
    ...argv,
  ]);
  const log = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'a');
  try {
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: log === undefined ? (opts.stdio ?? 'ignore') : ['ignore', log, log],
      detached: opts.detached === true,
    });
    if (opts.detached) child.unref();
    return child;
  } finally {
    if (log !== undefined) closeSync(log);
  }
}

/** Runs a short command in a node's network namespace and returns its output (throws on failure). */
export async function execInNode(
  state: LabState,
  node: string | LabNodeState,
  argv: readonly string[],
  timeoutMs = 10_000,
): Promise<{ stdout: string; stderr: string }> {
  const { netns, name } = netnsOf(state, node);
  const r = await execa('ip', ['netns', 'exec', netns, ...argv], { reject: false, timeout: timeoutMs });
  if (r.exitCode !== 0) {
    throw new LabError(`${argv.join(' ')} failed on ${name}: ${String(r.stderr).trim() || r.shortMessage}`, {
      node: name,
    });
  }
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}
