// LAB ONLY: part of the Calico operator stand-in. Starts a process inside a lab node's network
// namespace (`ip netns exec`), detached, logging to a file, and stops it by PID. The operator takes a
// NodeLauncher so tests and other node implementations can swap how processes reach a node.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { LabNodeState } from '../lab-state.js';

export interface NodeLauncher {
  start(node: LabNodeState, argv: string[], logFile: string): number | undefined;
  stop(pid: number): void;
}

export const netnsLauncher: NodeLauncher = {
  start(node, argv, logFile) {
    const log = openSync(logFile, 'a');
    try {
      const child = spawn('ip', ['netns', 'exec', node.netns, ...argv], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.on('error', () => undefined);
      child.unref();
      return child.pid;
    } finally {
      closeSync(log);
    }
  },
  stop(pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  },
};
