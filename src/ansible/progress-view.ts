// Live progress, one row per board. On a terminal: listr2 rows (current task, counts, elapsed). Otherwise
// (a pipe, CI, --output json): one plain line per finished task per board (skipped ones included), on
// stderr, and a heartbeat naming the running task when Ansible is quiet for a while. The listr2 rows
// (boardRows) are shared with the upgrade's gate view (src/upgrade/progress-view.ts).
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { Reporter } from '../core/reporter.js';
import { terminalSafe } from '../terminal-text.js';
import { currentTaskText, type NodeProgress, type ProgressTracker } from './node-progress.js';

export interface ProgressView {
  /** Resolves when the view has drawn its final state. */
  finish(): Promise<void>;
}

function counts(n: NodeProgress): string {
  return `ok=${n.ok} changed=${n.changed}${n.failed ? ` failed=${n.failed}` : ''}${n.unreachable ? ` unreachable=${n.unreachable}` : ''}`;
}

function elapsed(n: NodeProgress, now = Date.now() / 1000): string {
  if (n.startedAt === undefined) return '';
  return `${((n.finishedAt ?? now) - n.startedAt).toFixed(1)}s`;
}

export function useInteractiveView(out: Reporter): boolean {
  return out.format === 'text' && Boolean(process.stderr.isTTY) && !process.env['CI'];
}

export function startProgressView(tracker: ProgressTracker, out: Reporter, title: string): ProgressView {
  return useInteractiveView(out) ? listrView(tracker, title) : lineView(tracker, out);
}

/** "task 12/51" (or "task 12" when Ansible could not count them): the board's next or current task. */
export function taskNumber(n: NodeProgress, running: boolean): string {
  // An item of an included file runs under its include task, already counted in `done`.
  const at = n.done + (running && n.currentItem === undefined ? 1 : 0);
  return n.total !== undefined ? `task ${Math.min(at, n.total)}/${n.total}` : `task ${at}`;
}

/** Off a terminal, a line at least this often while Ansible runs (CI logs must never look hung). */
export const HEARTBEAT_MS = 5000;

function lineView(tracker: ProgressTracker, out: Reporter): ProgressView {
  let lastLine = Date.now();
  const say = (line: string) => {
    lastLine = Date.now();
    out.info(line);
  };
  const taskSince = new Map<string, number>();
  tracker.onUpdate((n, e) => {
    if (e.event === 'ok' || e.event === 'skipped' || (e.event === 'failed' && e.ignored)) {
      // One line per finished task per board, skipped ones included with their outcome.
      say(
        `[${n.name}] ${taskNumber(n, false)} ${n.lastTask?.task ?? e.task}: ${n.lastTask?.outcome ?? e.event}`,
      );
    } else if (e.event === 'failed' && n.status === 'unreachable') {
      say(`[${n.name}] ${e.task}: UNREACHABLE: ${e.message}`);
    } else if (e.event === 'failed') say(`[${n.name}] ${e.task}: FAILED: ${e.message}`);
    else if (e.event === 'unreachable') say(`[${n.name}] ${e.task}: UNREACHABLE: ${e.message}`);
    else if (e.event === 'stats') say(`[${n.name}] done: ${counts(n)} in ${elapsed(n)}`);
    else if (e.event === 'host_task_start') {
      taskSince.set(n.name, Date.now());
      if (out.verbose) say(`[${n.name}] ${taskNumber(n, true)} ${currentTaskText(n) ?? e.task} ...`);
    }
  });
  // A heartbeat when a task runs long: which task, on which board, for how long.
  const timer = setInterval(() => {
    if (Date.now() - lastLine < HEARTBEAT_MS) return;
    const running = [...tracker.nodes.values()].filter((n) => n.status === 'running');
    if (running.length === 0) return;
    for (const n of running) {
      const since = taskSince.get(n.name);
      say(
        n.currentTask
          ? `[${n.name}] still running ${taskNumber(n, true)} ${currentTaskText(n)} (${since ? ((Date.now() - since) / 1000).toFixed(0) : '?'}s)`
          : `[${n.name}] waiting for its next task (${taskNumber(n, false)} done)`,
      );
    }
  }, 1000);
  timer.unref();
  return {
    finish: async () => {
      clearInterval(timer);
    },
  };
}

function listrView(tracker: ProgressTracker, title: string): ProgressView {
  const rows = boardRows([...tracker.nodes.keys()], title, (name) => {
    const node = tracker.nodes.get(name)!;
    if (node.status === 'pending') return { title: `${name}  waiting`, output: '' };
    if (node.status === 'running')
      return {
        // The task running now; between tasks (after a skipped one, say) the last one and its outcome.
        title: node.currentTask
          ? `${name}  ${taskNumber(node, true)}  ${currentTaskText(node)}`
          : `${name}  ${taskNumber(node, false)} done${node.lastTask ? `  (last: ${node.lastTask.task}: ${node.lastTask.outcome})` : ''}`,
        output: `${counts(node)}  ${elapsed(node)}`,
      };
    return {
      title: `${name}  ${node.status === 'ok' ? 'done' : node.status}  ${counts(node)}  ${elapsed(node)}`,
    };
  });
  tracker.onUpdate((n) => {
    if (n.status === 'ok') rows.end(n.name);
    else if (n.status === 'failed' || n.status === 'unreachable')
      rows.end(n.name, `${n.failure?.task ?? ''}: ${n.failure?.message ?? n.status}`);
  });
  return { finish: () => rows.finish() };
}

/** What one board's row shows: its title line and, below it, a line of detail. */
export interface BoardRow {
  title: string;
  output?: string;
}

export interface BoardRows {
  /** The board is done: its row is drawn a last time, as failed when `error` is given. */
  end(name: string, error?: string): void;
  /** The board was left alone: its row ends as skipped (listr2's ↓), never with a tick. */
  skip(name: string, reason: string): void;
  /**
   * Ends every row still open, as skipped ("not finished": a board the job never got to is not done),
   * and resolves when the view has drawn its final state.
   */
  finish(): Promise<void>;
}

export interface BoardRowsOptions {
  /** listr2 renderer: the default draws on the terminal; 'test' prints one line per change (tests). */
  renderer?: 'default' | 'test';
  stream?: NodeJS.WritableStream;
}

/**
 * One listr2 row per board, redrawn from `row(name)` every 250 ms, for any per-board job (Ansible's
 * progress, the upgrade's gate). Only for a terminal: the line views off a terminal are each job's own.
 */
export function boardRows(
  names: readonly string[],
  title: string,
  row: (name: string) => BoardRow,
  opts: BoardRowsOptions = {},
): BoardRows {
  const stream = (opts.stream ?? process.stderr) as NodeJS.WriteStream;
  const done = new Map<string, () => void>();
  /** Rows ended by end() or skip(); finish() skips the others. */
  const closed = new Set<string>();
  const errors = new Map<string, string>();
  const skips = new Map<string, string>();
  const waits = new Map(names.map((n) => [n, new Promise<void>((r) => done.set(n, r))]));
  const list = new Listr(
    names.map((name) => ({
      title: name,
      task: async (_ctx: unknown, task: { title: string; output: string; skip(message?: string): void }) => {
        const draw = () => {
          const r = row(name);
          // Task names and messages come from the boards: no terminal controls in a row.
          const title = terminalSafe(r.title, { oneLine: true });
          const output = r.output === undefined ? undefined : terminalSafe(r.output, { oneLine: true });
          if (task.title !== title) task.title = title;
          if (output !== undefined && task.output !== output) task.output = output;
        };
        draw();
        const timer = setInterval(draw, 250);
        await waits.get(name);
        clearInterval(timer);
        draw();
        const error = errors.get(name);
        if (error !== undefined) throw new Error(terminalSafe(error, { oneLine: true }));
        const skipped = skips.get(name);
        if (skipped !== undefined) task.skip(skipped);
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: opts.renderer ?? 'default',
      rendererOptions: {
        logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream) }),
        collapseErrors: false,
      },
    },
  );
  stream.write(`${title}\n`);
  const running = list.run().catch(() => undefined);
  return {
    end(name, error) {
      if (error !== undefined && !errors.has(name)) errors.set(name, error);
      closed.add(name);
      done.get(name)?.();
    },
    skip(name, reason) {
      if (!errors.has(name) && !skips.has(name)) skips.set(name, reason);
      closed.add(name);
      done.get(name)?.();
    },
    finish: async () => {
      for (const [name, f] of done) {
        if (!closed.has(name) && !errors.has(name)) skips.set(name, skips.get(name) ?? 'not finished');
        f();
      }
      await running;
    },
  };
}
