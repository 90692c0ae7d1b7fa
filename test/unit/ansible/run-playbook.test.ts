// The runner with the real ansible-playbook on local "boards": events from the JSON-lines callback fold
// into per-board progress, failures carry the task and the command's own error, and Ctrl-C (the abort
// signal) stops ansible-playbook and surfaces as an interruption.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../src/ansible/node-progress.js';
import { runPlaybook } from '../../../src/ansible/run-playbook.js';
import { InterruptedError } from '../../../src/errors.js';
import { createRunFolder } from '../../../src/core/run-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'picocal-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const local = { ansible_connection: 'local', ansible_python_interpreter: 'python3' };
writeFileSync(join(dir, 'inventory.yaml'), dump({ all: { hosts: { alpha: local, beta: local } } }));

function playbook(name: string, tasks: object[]): string {
  const p = join(dir, `${name}.yaml`);
  writeFileSync(p, dump([{ name, hosts: 'all', gather_facts: false, tasks }]));
  return p;
}

describe('runPlaybook (real ansible-playbook)', () => {
  it('folds events into per-board counts and names the failed task with the command error', async () => {
    const pb = playbook('mixed', [
      { name: 'Calico | Look', 'ansible.builtin.command': { argv: ['true'] }, changed_when: false },
      { name: 'Calico | Change', 'ansible.builtin.command': { argv: ['true'] }, changed_when: true },
      {
        name: 'Calico | Fail on beta',
        'ansible.builtin.command': { argv: ['sh', '-c', 'echo "no vxlan here" >&2; exit 3'] },
        when: "inventory_hostname == 'beta'",
      },
    ]);
    const tracker = new ProgressTracker(['alpha', 'beta']);
    const run = createRunFolder(dir, 'test');
    const r = await runPlaybook({
      playbook: pb,
      inventory: join(dir, 'inventory.yaml'),
      extraVars: {},
      targets: [],
      tracker,
      run,
      signal: new AbortController().signal,
    });
    expect(r.exitCode).toBe(2);
    const alpha = tracker.nodes.get('alpha');
    const beta = tracker.nodes.get('beta');
    expect(alpha).toMatchObject({ status: 'ok', ok: 2, changed: 1, failed: 0, skipped: 1 });
    expect(beta).toMatchObject({ status: 'failed', failed: 1 });
    expect(beta?.failure?.task).toBe('Calico | Fail on beta');
    expect(beta?.failure?.message).toMatch(/rc=3\): no vxlan here/);
    expect(readFileSync(run.file('events.jsonl'), 'utf8')).toMatch(/"event": "stats"/);
    expect(readFileSync(run.file('ansible.log'), 'utf8')).toMatch(/PLAY RECAP/);
  }, 60_000);

  it('stops ansible-playbook on abort (Ctrl-C) and reports an interruption', async () => {
    const pb = playbook('slow', [
      { name: 'Calico | Wait', 'ansible.builtin.command': { argv: ['sleep', '60'] } },
    ]);
    const tracker = new ProgressTracker(['alpha', 'beta']);
    const controller = new AbortController();
    // A person presses Ctrl-C while the task runs (picocal then signals ansible-playbook's process group).
    tracker.onUpdate((_n, e) => {
      if (e.event === 'host_task_start') setTimeout(() => controller.abort(), 1500);
    });
    const started = Date.now();
    const run = createRunFolder(dir, 'test');
    await expect(
      runPlaybook({
        playbook: pb,
        inventory: join(dir, 'inventory.yaml'),
        extraVars: {},
        targets: [],
        tracker,
        run,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(InterruptedError);
    // Stopped long before the 60 s task would have ended (a bound, not a benchmark).
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 60_000);
});
