// Progress a person can follow, with the real ansible-playbook on local "boards": Ansible's own count of
// each board's tasks gives "task n/N"; off a terminal every finished task prints one line per board,
// skipped ones with their outcome; a skipped task is never shown as the one running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { currentTaskText, ProgressTracker } from '../../../src/ansible/node-progress.js';
import { startProgressView } from '../../../src/ansible/progress-view.js';
import { runPlaybook } from '../../../src/ansible/run-playbook.js';
import { Output } from '../../../src/core/output.js';
import { createRunFolder } from '../../../src/core/run-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'picocal-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const local = { ansible_connection: 'local', ansible_python_interpreter: 'python3' };
writeFileSync(join(dir, 'inventory.yaml'), dump({ all: { hosts: { alpha: local, beta: local } } }));

describe('Ansible progress off a terminal', () => {
  it("counts each board's tasks and prints every finished task, skipped ones included", async () => {
    const pb = join(dir, 'two-plays.yaml');
    const cmd = { 'ansible.builtin.command': { argv: ['true'] }, changed_when: false };
    writeFileSync(
      pb,
      dump([
        {
          name: 'every board',
          hosts: 'all',
          gather_facts: false,
          tasks: [
            { name: 'Calico | Look', ...cmd },
            { name: 'Calico | Only on beta', ...cmd, when: "inventory_hostname == 'beta'" },
            { name: 'Calico | Flush', 'ansible.builtin.meta': 'flush_handlers' },
          ],
        },
        {
          name: 'alpha only',
          hosts: 'alpha',
          gather_facts: false,
          tasks: [{ name: 'Calico | Last', ...cmd }],
        },
      ]),
    );
    const lines: string[] = [];
    const stderr = new Writable({
      write(chunk: Buffer | string, _e, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const out = new Output('text', false, false, new Writable({ write: (_c, _e, cb) => cb() }), stderr);
    const tracker = new ProgressTracker(['alpha', 'beta']);
    const skippedShownAsCurrent: string[] = [];
    tracker.onUpdate((n, e) => {
      if (e.event === 'skipped' && n.currentTask === e.task) skippedShownAsCurrent.push(e.task);
    });
    const view = startProgressView(tracker, out, 'test');
    const r = await runPlaybook({
      playbook: pb,
      inventory: join(dir, 'inventory.yaml'),
      targets: [], // connection: local, no SSH target to pin
      extraVars: {},
      tracker,
      run: createRunFolder(dir, 'test'),
      signal: new AbortController().signal,
    });
    await view.finish();
    expect(r.exitCode).toBe(0);
    expect(tracker.nodes.get('alpha')).toMatchObject({ total: 3, done: 3, currentTask: undefined });
    expect(tracker.nodes.get('beta')).toMatchObject({ total: 2, done: 2 });
    expect(skippedShownAsCurrent).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        '[alpha] task 1/3 Calico | Look: ok',
        '[alpha] task 2/3 Calico | Only on beta: skipped',
        '[beta] task 2/2 Calico | Only on beta: ok',
        '[alpha] task 3/3 Calico | Last: ok',
      ]),
    );
    expect(lines.filter((l) => l.includes('done: ok='))).toHaveLength(2);
  }, 60_000);

  it('numbers the items of a task included once per item on each board ("Calico | Pull images 2/3")', async () => {
    writeFileSync(
      join(dir, 'pull.yml'),
      dump([
        {
          name: 'Calico | Pull images',
          'ansible.builtin.command': { argv: ['true'] },
          changed_when: true,
          when: "not (inventory_hostname == 'beta' and image == 'b')",
        },
      ]),
    );
    const pb = join(dir, 'items.yaml');
    writeFileSync(
      pb,
      dump([
        {
          name: 'every board',
          hosts: 'all',
          gather_facts: false,
          tasks: [
            {
              name: 'Calico | Pull the images',
              'ansible.builtin.include_tasks': join(dir, 'pull.yml'),
              loop: ['a', 'b', 'c'],
              loop_control: { loop_var: 'image', extended: true },
            },
          ],
        },
      ]),
    );
    const lines: string[] = [];
    const stderr = new Writable({
      write(chunk: Buffer | string, _e, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const out = new Output('text', false, false, new Writable({ write: (_c, _e, cb) => cb() }), stderr);
    const tracker = new ProgressTracker(['alpha', 'beta']);
    const running: string[] = [];
    tracker.onUpdate((n, e) => {
      if (e.event === 'host_task_start' && n.name === 'beta') running.push(currentTaskText(n) ?? '');
    });
    const view = startProgressView(tracker, out, 'test');
    const r = await runPlaybook({
      playbook: pb,
      inventory: join(dir, 'inventory.yaml'),
      targets: [],
      extraVars: {},
      tracker,
      run: createRunFolder(dir, 'test'),
      signal: new AbortController().signal,
    });
    await view.finish();
    expect(r.exitCode).toBe(0);
    const pulls = lines
      .filter((l) => l.includes('Calico | Pull images'))
      .map((l) => l.replace(/ task \d+(\/\d+)? /, ' '));
    expect(pulls).toEqual(
      expect.arrayContaining([
        '[alpha] Calico | Pull images 1/3: changed',
        '[alpha] Calico | Pull images 2/3: changed',
        '[alpha] Calico | Pull images 3/3: changed',
        '[beta] Calico | Pull images 2/3: skipped',
      ]),
    );
    expect(running.filter((t) => t.startsWith('Calico | Pull images'))).toEqual([
      'Calico | Pull images 1/3',
      'Calico | Pull images 2/3',
      'Calico | Pull images 3/3',
    ]);
    // The items run under their include task: the count stays within Ansible's total, and each item's line
    // carries the include's number (before, every item counted as one more task: "task 4/1").
    expect(tracker.nodes.get('alpha')).toMatchObject({ total: 1, done: 1 });
    expect(tracker.nodes.get('beta')).toMatchObject({ total: 1, done: 1 });
    expect(lines.filter((l) => l.includes('Calico | Pull images') && !l.includes(' task 1/1 '))).toEqual([]);
  }, 60_000);
});
