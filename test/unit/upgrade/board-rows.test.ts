// The per-board rows shared by Ansible's progress and the upgrade's gate, drawn with listr2's test
// renderer (one line per change) instead of terminal escape codes.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boardRows } from '../../../src/ansible/progress-view.js';

/** One line of listr2's test renderer. */
interface ListrEvent {
  event: string;
  data: unknown;
  task: { title: string; path: string[] };
}

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer | string, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('boardRows', () => {
  it('draws one row per board, redraws it from the row function, and shows an ended failure', async () => {
    const out = capture();
    const state = new Map([
      ['pc-node1', 'waiting'],
      ['pc-node2', 'waiting'],
    ]);
    const rows = boardRows(
      ['pc-node1', 'pc-node2'],
      'Upgrading',
      (n) => ({ title: `${n}  ${state.get(n)}` }),
      {
        renderer: 'test',
        stream: out.stream,
      },
    );
    state.set('pc-node1', 'healthy (v3.32.1)');
    rows.end('pc-node1');
    state.set('pc-node2', 'FAILED: not ready');
    rows.end('pc-node2', 'not ready within 60 s');
    await rows.finish();
    const [title, ...events] = out.text().trim().split('\n');
    expect(title).toBe('Upgrading');
    const parsed = events.map((l) => JSON.parse(l) as ListrEvent);
    const final = (board: string) =>
      parsed.filter((e) => e.event === 'STATE' && e.task.path[0] === board).pop();
    expect(final('pc-node1')).toMatchObject({
      data: 'COMPLETED',
      task: { title: 'pc-node1  healthy (v3.32.1)' },
    });
    expect(final('pc-node2')).toMatchObject({
      data: 'FAILED',
      task: { title: 'pc-node2  FAILED: not ready' },
    });
    expect(parsed.filter((e) => e.event === 'MESSAGE').map((e) => [e.task.path[0], e.data])).toEqual([
      ['pc-node2', { error: 'not ready within 60 s' }],
    ]);
  });

  it('finish ends the rows still open as skipped (never ticked), so a stopped run does not hang', async () => {
    const out = capture();
    const rows = boardRows(['a', 'b'], 'Installing', (n) => ({ title: `${n}  running`, output: 'ok=1' }), {
      renderer: 'test',
      stream: out.stream,
    });
    rows.skip('b', 'untouched (v3.31.7)');
    await rows.finish();
    const events = out
      .text()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as ListrEvent);
    const states = events.filter((e) => e.event === 'STATE').map((e) => [e.task.path[0], e.data]);
    expect(states).toEqual(
      expect.arrayContaining([
        ['a', 'SKIPPED'],
        ['b', 'SKIPPED'],
      ]),
    );
    expect(states.filter(([, s]) => s === 'COMPLETED')).toEqual([]);
    expect(events.some((e) => e.event === 'TITLE' && e.data === 'a  running')).toBe(true);
  });
});
