// One row per node while the gate runs: waiting, upgrading, healthy (new version), failed. On a terminal
// listr2 draws the rows (as the Ansible progress does); otherwise one plain line per change, on stderr.
import { boardRows, useInteractiveView } from '../ansible/progress-view.js';
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
  const rows = boardRows(names, title, (name) => {
    const g = state.get(name);
    return { title: `${name}  ${g ? rowText(g) : 'waiting'}` };
  });
  return {
    update(g) {
      state.set(g.name, g);
      if (g.phase === 'failed') rows.end(g.name, g.reason ?? 'failed');
      else if (g.phase === 'healthy' || g.phase === 'skipped') rows.end(g.name);
    },
    finish: () => rows.finish(),
  };
}
