// LAB ONLY. Starts and stops the lab's API server process (Kubernetes API stand-in + Calico operator
// stand-in, see server-main.ts) for `picocal lab up` / `lab down`. The process is detached so it
// outlives the CLI; its PID goes into lab.json and <lab dir>/kube-api.pid, its output into
// <lab dir>/kube-api.log.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import type { LabState } from '../lab-state.js';
import { entryArgv } from './entry-argv.js';

const PID_FILE = 'kube-api.pid';
const LOG_FILE = 'kube-api.log';

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/version`, { signal: AbortSignal.timeout(500) });
    return r.ok;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startApiServer(state: LabState, timeoutMs = 60_000): Promise<{ pid: number }> {
  const log = openSync(join(state.dir, LOG_FILE), 'a');
  const [cmd, ...args] = entryArgv('./server-main', ['--dir', state.dir]);
  const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined)
    throw new LabError('could not start the lab API stand-in', { hint: `see ${join(state.dir, LOG_FILE)}` });
  child.unref();
  writeFileSync(join(state.dir, PID_FILE), `${pid}\n`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(state.apiServer.url)) return { pid };
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = existsSync(join(state.dir, LOG_FILE))
    ? readFileSync(join(state.dir, LOG_FILE), 'utf8').slice(-2000)
    : '';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  throw new LabError(`the lab API stand-in did not answer on ${state.apiServer.url}/version`, {
    hint: `see ${join(state.dir, LOG_FILE)}${tail ? `:\n${tail}` : ''}`,
  });
}

/** Stops the server (it stops its calico-node stand-ins and saves its state first). Idempotent. */
export async function stopApiServer(state: LabState, timeoutMs = 5_000): Promise<void> {
  const pidFile = join(state.dir, PID_FILE);
  const pids = new Set<number>();
  if (state.apiServer.pid) pids.add(state.apiServer.pid);
  if (existsSync(pidFile)) pids.add(Number(readFileSync(pidFile, 'utf8').trim()));
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}
