// Node prep reads each board's state in ONE module run (infrastructure/roles/calico_node_prep/library/
// calico_state.py) and runs a change task only when the read says it is needed: on a converged cluster a
// re-run reaches each board for the state read and skips the changes, with changed=0; a board changed by hand
// gets exactly the task that puts that one thing back, and no other board changes. The real ansible-playbook
// over real sshd boards (events.jsonl of each run).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { ssh } from './helpers/ssh.js';

interface Event {
  event: string;
  host?: string;
  task?: string;
  role?: string | null;
  changed?: boolean;
}

const LAB = 'ap-state';
const READ = "Calico | Read the board's state (files, folders, kernel parameters, calicoctl)";
const work = mkdtempSync(join(tmpdir(), 'picocal-ap-state-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describeLab('node prep: one state read per board, then only the changes it calls for', () => {
  const lab = useLab(LAB, 3, { apiServer: true, user: 'pi' });
  const artifacts = sharedCalicoAvailable() ? ['--artifacts', SHARED_CALICO] : ['--lab-manifests'];

  async function bootstrap(): Promise<Event[]> {
    const r = await runCli(
      [
        'bootstrap',
        '-i',
        lab.state.inventory,
        ...artifacts,
        '--out',
        join(work, 'build'),
        '--output',
        'json',
      ],
      { cwd: work },
    );
    expect(r.code, r.stderr).toBe(0);
    const { runDir } = JSON.parse(r.stdout) as { runDir: string };
    return (
      readFileSync(join(runDir, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Event)
        // Ansible names a role's task "role : name" in its results.
        .map((e) => ({ ...e, ...(e.task ? { task: e.task.replace(/^\w+ : /, '') } : {}) }))
    );
  }

  /** Per board, the tasks (of every role) whose result is a change. */
  function changedTasks(events: Event[]): Record<string, string[]> {
    const out: Record<string, string[]> = Object.fromEntries(lab.state.nodes.map((n) => [n.name, []]));
    for (const e of events)
      if (e.event === 'ok' && e.changed && e.host && e.task) (out[e.host] ??= []).push(e.task);
    return out;
  }

  it('bootstraps the boards', async () => {
    await bootstrap();
  }, 600_000);

  it('a re-run reads each board once and skips every change, changed=0', async () => {
    const events = await bootstrap();
    for (const n of lab.state.nodes) {
      const reads = events.filter((e) => e.event === 'ok' && e.host === n.name && e.task === READ);
      expect(reads, n.name).toHaveLength(1);
      // Every change task of node prep was skipped on this board (a skip costs no round trip).
      const ran = events.filter(
        (e) => e.host === n.name && e.role === 'calico_node_prep' && e.event === 'ok' && e.task !== READ,
      );
      const changeTasks = [
        'Calico | Load kernel modules at boot',
        'Calico | Load kernel modules now',
        'Calico | Set kernel parameters',
        'Calico | Apply kernel parameters',
        'Calico | Make the NetworkManager drop-in folder',
        "Calico | Keep NetworkManager off Calico's interfaces",
        'Calico | Install calicoctl',
        "Calico | Create calicoctl's configuration folder",
        "Calico | Read calicoctl's state on the board (when node prep did not read it in this play)",
        'Calico | Point calicoctl at the Kubernetes API (/etc/calico/calicoctl.cfg)',
      ];
      expect(
        ran.map((e) => e.task).filter((t) => changeTasks.includes(t!)),
        n.name,
      ).toEqual([]);
    }
    expect(changedTasks(events)).toEqual(Object.fromEntries(lab.state.nodes.map((n) => [n.name, []])));
  }, 600_000);

  // What a hand (or another tool) undoes on one board, and the one task that must put it back there.
  const cases: Array<{ what: string; board: number; command: string; task: string }> = [
    {
      what: 'a kernel parameter set back live (the file untouched)',
      board: 1,
      command: 'sudo -n sysctl -qw net.ipv4.conf.all.rp_filter=0',
      task: 'Calico | Apply kernel parameters',
    },
    {
      what: 'the modules-load file edited',
      board: 2,
      command: "echo '# edited by hand' | sudo -n tee -a /etc/modules-load.d/calico.conf >/dev/null",
      task: 'Calico | Load kernel modules at boot',
    },
  ];

  it.each(cases)(
    '$what: exactly that task changes, on that board only',
    async ({ board, command, task }) => {
      const node = lab.state.nodes[board]!;
      expect((await ssh(lab.state, node, command)).exitCode).toBe(0);
      const changed = changedTasks(await bootstrap());
      expect(changed).toEqual(
        Object.fromEntries(lab.state.nodes.map((n) => [n.name, n.name === node.name ? [task] : []])),
      );
      // Put back for real: the next re-run is converged again.
      expect(changedTasks(await bootstrap())).toEqual(
        Object.fromEntries(lab.state.nodes.map((n) => [n.name, []])),
      );
    },
    900_000,
  );
});
