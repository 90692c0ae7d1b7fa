// Per-board progress folded from Ansible events: what each board is doing now, its counts, and how it
// ended. The display (listr2 or plain lines) and the run summary both read this.
import { isConnectionFailure, type AnsibleEvent, type HostStats } from './events.js';

export type NodeStatus = 'pending' | 'running' | 'ok' | 'failed' | 'unreachable';

export interface NodeProgress {
  name: string;
  status: NodeStatus;
  /** The task running on the board now; undefined between tasks (a skipped task is never current). */
  currentTask: string | undefined;
  /** Of a task included once per item (an image pull, say): which item runs now, of how many. */
  currentItem: { index: number; length: number } | undefined;
  /** Tasks finished on the board (ok, changed, skipped or failed-and-ignored). */
  done: number;
  /** Tasks the board goes through in the playbook, when Ansible could count them. */
  total: number | undefined;
  /** The last task that finished on the board, and how. */
  lastTask: { task: string; outcome: string } | undefined;
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

/** The task running on the board, with the item of a task included once per item: "Calico | Pull images 3/12". */
export function currentTaskText(n: NodeProgress): string | undefined {
  if (n.currentTask === undefined) return undefined;
  return n.currentItem ? `${n.currentTask} ${n.currentItem.index}/${n.currentItem.length}` : n.currentTask;
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
        currentItem: undefined,
        done: 0,
        total: undefined,
        lastTask: undefined,
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
    if (e.event === 'plan') {
      for (const n of this.nodes.values()) n.total = e.tasks[n.name] ?? n.total;
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
        n.currentItem = e.loop;
        break;
      case 'ok':
        n.ok++;
        if (e.changed) n.changed++;
        this.finished(n, e.task, e.changed ? 'changed' : 'ok');
        break;
      case 'skipped':
        n.skipped++;
        this.finished(n, e.task, 'skipped');
        break;
      case 'failed':
        if (e.ignored) {
          this.finished(n, e.task, 'failed (ignored)');
          break;
        }
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

  private finished(n: NodeProgress, task: string, outcome: string): void {
    // A task of a file included once per item is part of its include task, which Ansible's count (the
    // plan) and its own ok event already cover: counting every item too ran "task n/N" past N.
    const itemOfInclude = n.currentTask === task && n.currentItem !== undefined;
    if (!itemOfInclude) n.done++;
    n.lastTask = { task: n.currentTask === task ? (currentTaskText(n) ?? task) : task, outcome };
    if (n.currentTask === task) n.currentTask = undefined;
  }

  private emit(n: NodeProgress, e: AnsibleEvent): void {
    for (const l of this.listeners) l(n, e);
  }
}
