// Per-board progress folded from Ansible events: what each board is doing now, its counts, and how it
// ended. The display (listr2 or plain lines) and the run summary both read this.
import { isConnectionFailure, type AnsibleEvent, type HostStats } from './events.js';

export type NodeStatus = 'pending' | 'running' | 'ok' | 'failed' | 'unreachable';

export interface NodeProgress {
  name: string;
  status: NodeStatus;
  currentTask: string | undefined;
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** The task that failed and Ansible's message, when the board failed or became unreachable. */
  failure: { task: string; message: string } | undefined;
}

export class ProgressTracker {
  readonly nodes = new Map<string, NodeProgress>();
  private listeners: Array<(node: NodeProgress, event: AnsibleEvent) => void> = [];
  stats: Record<string, HostStats> | undefined;

  constructor(names: readonly string[]) {
    for (const name of names) {
      this.nodes.set(name, {
        name,
        status: 'pending',
        currentTask: undefined,
        ok: 0,
        changed: 0,
        failed: 0,
        unreachable: 0,
        skipped: 0,
        startedAt: undefined,
        finishedAt: undefined,
        failure: undefined,
      });
    }
  }

  onUpdate(fn: (node: NodeProgress, event: AnsibleEvent) => void): void {
    this.listeners.push(fn);
  }

  apply(e: AnsibleEvent): void {
    if (e.event === 'stats') {
      this.stats = e.hosts;
      for (const n of this.nodes.values()) {
        const s = e.hosts[n.name];
        if (s)
          Object.assign(n, {
            ok: s.ok,
            changed: s.changed,
            failed: s.failed,
            unreachable: s.unreachable,
            skipped: s.skipped,
          });
        if (n.status === 'running' || n.status === 'pending') n.status = s ? 'ok' : n.status;
        n.finishedAt ??= e.time;
        n.currentTask = undefined;
        this.emit(n, e);
      }
      return;
    }
    if (!('host' in e)) return;
    const n = this.nodes.get(e.host);
    if (!n || n.status === 'failed' || n.status === 'unreachable') return;
    n.startedAt ??= e.time;
    switch (e.event) {
      case 'host_task_start':
        n.status = 'running';
        n.currentTask = e.task;
        break;
      case 'ok':
        n.ok++;
        if (e.changed) n.changed++;
        break;
      case 'skipped':
        n.skipped++;
        break;
      case 'failed':
        if (e.ignored) break;
        if (isConnectionFailure(e.message)) {
          n.unreachable++;
          n.status = 'unreachable';
        } else {
          n.failed++;
          n.status = 'failed';
        }
        n.failure = { task: e.task, message: e.message };
        n.finishedAt = e.time;
        break;
      case 'unreachable':
        n.unreachable++;
        n.status = 'unreachable';
        n.failure = { task: e.task, message: e.message };
        n.finishedAt = e.time;
        break;
    }
    this.emit(n, e);
  }

  private emit(n: NodeProgress, e: AnsibleEvent): void {
    for (const l of this.listeners) l(n, e);
  }
}
