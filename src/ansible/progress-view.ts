// Live progress, one row per board. On a terminal: listr2 rows (current task, counts, elapsed). Otherwise
// (a pipe, CI, --output json): one plain line per finished task per board, on stderr.
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { Output } from '../cli/output.js';
import type { NodeProgress, ProgressTracker } from './node-progress.js';

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

export function useInteractiveView(out: Output): boolean {
  return out.format === 'text' && Boolean(process.stderr.isTTY) && !process.env['CI'];
}

export function startProgressView(tracker: ProgressTracker, out: Output, title: string): ProgressView {
  return useInteractiveView(out) ? listrView(tracker, title) : lineView(tracker, out);
}

function lineView(tracker: ProgressTracker, out: Output): ProgressView {
  tracker.onUpdate((n, e) => {
    if (e.event === 'ok' && (e.changed || out.verbose))
      out.info(`[${n.name}] ${e.task}: ${e.changed ? 'changed' : 'ok'}`);
    else if (e.event === 'failed' && !e.ignored) out.info(`[${n.name}] ${e.task}: FAILED: ${e.message}`);
    else if (e.event === 'unreachable' || (e.event === 'failed' && n.status === 'unreachable')) {
      out.info(`[${n.name}] ${e.task}: UNREACHABLE: ${'message' in e ? e.message : ''}`);
    } else if (e.event === 'stats') out.info(`[${n.name}] done: ${counts(n)} in ${elapsed(n)}`);
    else if (e.event === 'host_task_start' && out.verbose) out.info(`[${n.name}] ${e.task} ...`);
  });
  return { finish: async () => undefined };
}

function listrView(tracker: ProgressTracker, title: string): ProgressView {
  const finished = new Map<string, () => void>();
  const waits = new Map<string, Promise<void>>();
  for (const name of tracker.nodes.keys()) waits.set(name, new Promise((r) => finished.set(name, r)));
  const list = new Listr(
    [...tracker.nodes.values()].map((node) => ({
      title: node.name,
      task: async (_ctx: unknown, task: { title: string; output: string }) => {
        const draw = () => {
          task.title = `${node.name}  ${node.currentTask ?? (node.status === 'pending' ? 'waiting' : '')}`;
          task.output = `${counts(node)}  ${elapsed(node)}`;
        };
        const timer = setInterval(draw, 250);
        tracker.onUpdate((n) => {
          if (n.name !== node.name) return;
          draw();
          if (n.status === 'ok' || n.status === 'failed' || n.status === 'unreachable')
            finished.get(n.name)?.();
        });
        await waits.get(node.name);
        clearInterval(timer);
        task.title = `${node.name}  ${node.status === 'ok' ? 'done' : node.status}  ${counts(node)}  ${elapsed(node)}`;
        if (node.status !== 'ok')
          throw new Error(`${node.failure?.task ?? ''}: ${node.failure?.message ?? node.status}`);
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: {
        logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }),
        collapseErrors: false,
      },
    },
  );
  process.stderr.write(`${title}\n`);
  const running = list.run().catch(() => undefined);
  return {
    finish: async () => {
      for (const f of finished.values()) f();
      await running;
    },
  };
}
