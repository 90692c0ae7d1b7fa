// One row per node while the gate runs: waiting, upgrading, healthy (new version), failed. On a terminal
// listr2 draws the rows (as the Ansible progress does); otherwise one plain line per change, on stderr.
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { useInteractiveView } from '../ansible/progress-view.js';
import type { Output } from '../cli/output.js';
import type { NodeGate } from './gate-state.js';

export interface GateView {
  update(g: NodeGate): void;
  finish(): Promise<void>;
}

export function rowText(g: NodeGate, now = Date.now()): string {
  const since =
    g.startedAt !== undefined ? ` ${(((g.healthyAt ?? now) - g.startedAt) / 1000).toFixed(1)}s` : '';
  switch (g.phase) {
    case 'waiting':
      return `waiting (${g.fromVersion ?? '?'})`;
    case 'upgrading':
      return `upgrading${since}: ${g.reason ?? ''}`;
    case 'healthy':
      return `healthy (${g.version ?? '?'})${since}`;
    case 'failed':
      return `FAILED: ${g.reason ?? ''}`;
    case 'skipped':
      return 'skipped (--skip-node)';
  }
}

export function startGateView(names: readonly string[], out: Output, title: string): GateView {
  return useInteractiveView(out) ? listrView(names, title) : lineView(out);
}

function lineView(out: Output): GateView {
  const last = new Map<string, string>();
  return {
    update(g) {
      // Upgrading rows change text every poll; a line per phase (and per failure) is enough off a terminal.
      const key = `${g.phase}:${g.phase === 'upgrading' ? '' : (g.version ?? '')}`;
      if (last.get(g.name) === key) return;
      last.set(g.name, key);
      out.info(`[${g.name}] ${rowText(g)}`);
    },
    finish: async () => undefined,
  };
}

function listrView(names: readonly string[], title: string): GateView {
  const state = new Map<string, NodeGate>();
  const done = new Map<string, () => void>();
  const waits = new Map(names.map((n) => [n, new Promise<void>((r) => done.set(n, r))]));
  const list = new Listr(
    names.map((name) => ({
      title: name,
      task: async (_ctx: unknown, task: { title: string }) => {
        const draw = () => {
          const g = state.get(name);
          task.title = `${name}  ${g ? rowText(g) : 'waiting'}`;
        };
        const timer = setInterval(draw, 250);
        await waits.get(name);
        clearInterval(timer);
        draw();
        const g = state.get(name);
        if (g?.phase === 'failed') throw new Error(g.reason ?? 'failed');
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
    update(g) {
      state.set(g.name, g);
      if (g.phase === 'healthy' || g.phase === 'failed' || g.phase === 'skipped') done.get(g.name)?.();
    },
    finish: async () => {
      for (const f of done.values()) f();
      await running;
    },
  };
}
