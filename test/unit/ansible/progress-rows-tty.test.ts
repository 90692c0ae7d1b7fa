// The board rows on a terminal, under a real pseudo-terminal (util-linux `script`): the real
// ansible-playbook on two local "boards" runs a task included once per image, and each board's listr2 row
// names the image being pulled ("Calico | Pull images 2/3") while it runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'picocal-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dist = (p: string) => join(PACKAGE_ROOT, 'dist', 'src', p);

describe('progress rows on a terminal', () => {
  it.skipIf(!existsSync(dist('ansible/progress-view.js')))(
    "show the item of an included task in each board's row while it runs",
    async () => {
      const local = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
      writeFileSync(join(dir, 'inventory.yaml'), dump({ all: { hosts: { alpha: local, beta: local } } }));
      writeFileSync(
        join(dir, 'pull.yml'),
        dump([
          {
            name: 'Calico | Pull images',
            'ansible.builtin.command': { argv: ['sleep', '1'] },
            changed_when: true,
          },
        ]),
      );
      writeFileSync(
        join(dir, 'items.yaml'),
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
      const driver = join(dir, 'driver.mjs');
      writeFileSync(
        driver,
        `import { ProgressTracker } from ${JSON.stringify(dist('ansible/node-progress.js'))};
import { startProgressView } from ${JSON.stringify(dist('ansible/progress-view.js'))};
import { runPlaybook } from ${JSON.stringify(dist('ansible/run-playbook.js'))};
import { Output } from ${JSON.stringify(dist('core/output.js'))};
import { createRunFolder } from ${JSON.stringify(dist('core/run-folder.js'))};
const tracker = new ProgressTracker(['alpha', 'beta']);
const view = startProgressView(tracker, new Output('text', false, false), 'Pulling');
const r = await runPlaybook({ playbook: ${JSON.stringify(join(dir, 'items.yaml'))}, inventory: ${JSON.stringify(join(dir, 'inventory.yaml'))},
  targets: [], extraVars: {}, tracker, run: createRunFolder(${JSON.stringify(dir)}, 'test'), signal: new AbortController().signal });
await view.finish();
console.log('driver-exit=' + r.exitCode);
`,
      );
      const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
      const child = spawn(
        'script',
        ['-qfec', `stty cols 160 rows 40; ${quote(process.execPath)} ${quote(driver)}`, '/dev/null'],
        {
          cwd: dir,
          env: { ...process.env, TERM: 'xterm-256color', CI: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      child.stdout.on('data', (b: Buffer) => (text += b.toString()));
      child.stderr.on('data', (b: Buffer) => (text += b.toString()));
      await new Promise((resolve) => child.on('close', resolve));
      expect(text).toMatch(/driver-exit=0/);
      for (const board of ['alpha', 'beta'])
        for (const i of [1, 2, 3])
          expect(text).toMatch(new RegExp(`${board} +task \\S+ +Calico \\| Pull images ${i}/3`));
    },
    60_000,
  );
});
