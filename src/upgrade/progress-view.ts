// One row per node while the gate runs: waiting, upgrading, healthy (new version), failed. On a terminal
// listr2 draws the rows (as the Ansible progress does); otherwise one plain line per change, on stderr.
import { boardRows, useInteractiveView } from '../ansible/progress-view.js';
import type { Reporter } from '../core/reporter.js';
import type { NodeGate } from './gate-state.js';

export interface GateView {
  update(g: NodeGate): void;
  finish(): Promise<void>;
}

export interface GateViewOptions {
  /** What a board whose calico-node is being replaced is doing: 'upgrading' or 'rolling back'. */
  verb?: string;
}

export function rowText(g: NodeGate, now = Date.now(), verb = 'upgrading'): string {
  const since =
    g.startedAt !== undefined ? ` ${(((g.healthyAt ?? now) - g.startedAt) / 1000).toFixed(1)}s` : '';
  switch (g.phase) {
    case 'waiting':
      return `waiting (${g.fromVersion ?? '?'})`;
    case 'upgrading':
      return `${verb}${since}: ${g.reason ?? ''}`;
    case 'healthy':
      return `healthy (${g.version ?? '?'})${since}`;
    case 'failed':
      return `FAILED: ${g.reason ?? ''}`;
    case 'skipped':
      return 'skipped (--skip-node)';
  }
}

export function startGateView(
  names: readonly string[],
  out: Reporter,
  title: string,
  opts: GateViewOptions = {},
): GateView {
  const verb = opts.verb ?? 'upgrading';
  return useInteractiveView(out) ? listrView(names, title, verb) : lineView(out, verb);
}

function lineView(out: Reporter, verb: string): GateView {
  const last = new Map<string, string>();
  return {
    update(g) {
      // Upgrading rows change text every poll; a line per phase (and per failure) is enough off a terminal.
      const key = `${g.phase}:${g.phase === 'upgrading' ? '' : (g.version ?? '')}`;
      if (last.get(g.name) === key) return;
      last.set(g.name, key);
      out.info(`[${g.name}] ${rowText(g, Date.now(), verb)}`);
    },
    finish: async () => undefined,
  };
}

function listrView(names: readonly string[], title: string, verb: string): GateView {
  const state = new Map<string, NodeGate>();
  const rows = boardRows(names, title, (name) => {
    const g = state.get(name);
    // A failed row's reason is shown once, by listr2, under the row: the title only says FAILED.
    return {
      title: `${name}  ${!g ? 'waiting' : g.phase === 'failed' ? 'FAILED' : rowText(g, Date.now(), verb)}`,
    };
  });
  return {
    update(g) {
      state.set(g.name, g);
      if (g.phase === 'failed') rows.end(g.name, g.reason ?? 'failed');
      else if (g.phase === 'healthy') rows.end(g.name);
      else if (g.phase === 'skipped') rows.skip(g.name, 'skipped (--skip-node)');
    },
    // Boards still waiting when the gate ends were never touched: skipped (↓), not ticked.
    finish: async () => {
      for (const [name, g] of state)
        if (g.phase === 'waiting') rows.skip(name, `untouched (${g.fromVersion ?? '?'})`);
      for (const name of names) if (!state.has(name)) rows.skip(name, 'untouched');
      await rows.finish();
    },
  };
}
