// Run the real ansible-playbook with picocal's settings and JSON-lines callback, feeding every event to
// a ProgressTracker and keeping Ansible's full output in the run folder. Ctrl-C stops ansible-playbook
// the way Ansible expects (SIGINT, then it finishes its cleanup) and surfaces as InterruptedError.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import type { SshTarget } from '../ssh/ssh-target.js';
import { ansibleSshArgs, type ControlSockets } from './ssh-args.js';
import { AnsibleError, InterruptedError } from '../errors.js';
import { INFRASTRUCTURE_DIR } from '../paths.js';
import type { RunFolder } from '../core/run-folder.js';
import { parseEventLine, type AnsibleEvent } from './events.js';
import type { ProgressTracker } from './node-progress.js';

export const PLAYBOOKS = {
  install: join(INFRASTRUCTURE_DIR, 'security', 'install_calico.ansible'),
} as const;

/**
 * Which ansible-playbook picocal runs: PICOCAL_ANSIBLE_PLAYBOOK (a path, e.g. a venv's
 * .../bin/ansible-playbook from scripts/ansible-venv.sh), else the one on PATH.
 */
export function ansiblePlaybookCommand(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env['PICOCAL_ANSIBLE_PLAYBOOK']?.trim();
  return chosen ? chosen : 'ansible-playbook';
}

export interface PlaybookRun {
  playbook: string;
  inventory: string;
  /** Extra variables, passed as one JSON document (-e '{...}'): never a shell string. */
  extraVars: Record<string, unknown>;
  /**
   * Where and how to reach every board of the inventory (sshTargetFor): Ansible gets the same endpoints,
   * jump hosts and known_hosts files picocal's own client uses.
   */
  targets: readonly SshTarget[];
  /** Restrict to these hosts (ansible --limit). */
  limit?: string[];
  /** Run only the tasks with these tags (ansible --tags). */
  tags?: string[];
  /** Check mode (ansible --check): tasks report what they would change and change nothing. */
  check?: boolean;
  tracker: ProgressTracker;
  run: RunFolder;
  signal: AbortSignal;
  /** Extra environment (tests: a lab's HOME, ANSIBLE_* overrides). */
  env?: Record<string, string>;
}

export interface PlaybookResult {
  exitCode: number;
  events: number;
}

export function ansibleEnv(run: RunFolder): Record<string, string> {
  return {
    ANSIBLE_CONFIG: join(INFRASTRUCTURE_DIR, 'ansible.cfg'),
    ANSIBLE_CALLBACKS_ENABLED: 'picocal_jsonl',
    ANSIBLE_CALLBACK_PLUGINS: join(INFRASTRUCTURE_DIR, 'callback_plugins'),
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_LOCAL_TEMP: join(run.dir, 'ansible-tmp'),
    PICOCAL_EVENTS: '3',
    PYTHONUNBUFFERED: '1',
  };
}

/**
 * The extra-vars file that pins Ansible's ssh arguments per board (see ssh-args.ts). Values are `!unsafe`:
 * Ansible uses them as written and never evaluates them as templates.
 */
export function sshVarsYaml(targets: readonly SshTarget[], sockets: ControlSockets): string {
  const rows = targets.map(
    (t) => `  ${JSON.stringify(t.node)}: !unsafe ${JSON.stringify(ansibleSshArgs(t, sockets))}`,
  );
  return [
    "# Written by picocal for one ansible-playbook run: every board's ssh arguments (strict host-key checking",
    "# against picocal_known_hosts on every hop, this run's own control sockets). Extra vars beat inventory vars.",
    `picocal_ssh_args:${rows.length ? '' : ' {}'}`,
    ...rows,
    "ansible_ssh_args: '{{ picocal_ssh_args[inventory_hostname] }}'",
    '',
  ].join('\n');
}

export async function runPlaybook(opts: PlaybookRun): Promise<PlaybookResult> {
  // A fresh, private (0700) folder per run for ssh's control sockets: a master connection opened under
  // another inventory or known_hosts file is never reused. Short, because socket paths are limited.
  const sockets: ControlSockets = { dir: await mkdtemp(join(tmpdir(), 'picocal-cp-')) };
  try {
    return await runWithSockets(opts, sockets);
  } finally {
    await rm(sockets.dir, { recursive: true, force: true });
  }
}

async function runWithSockets(opts: PlaybookRun, sockets: ControlSockets): Promise<PlaybookResult> {
  const sshVars = opts.run.file('ansible-ssh-vars.yaml');
  writeFileSync(sshVars, sshVarsYaml(opts.targets, sockets), { mode: 0o600 });
  // The ssh file comes last: of two extra-vars sources, the later one wins.
  const args = [
    opts.playbook,
    '-i',
    opts.inventory,
    '-e',
    JSON.stringify(opts.extraVars),
    '-e',
    `@${sshVars}`,
  ];
  if (opts.limit?.length) args.push('--limit', opts.limit.join(','));
  if (opts.tags?.length) args.push('--tags', opts.tags.join(','));
  if (opts.check) args.push('--check');
  const command = ansiblePlaybookCommand({ ...process.env, ...opts.env });
  const log = opts.run.stream('ansible.log');
  const events = opts.run.stream('events.jsonl');
  log.write(
    `$ ${command} ${args.map((a) => (/^[\w./=,:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')}\n`,
  );

  let child;
  try {
    child = execa(command, args, {
      env: { ...ansibleEnv(opts.run), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      reject: false,
      cleanup: true,
      // Its own process group, so that Ctrl-C reaches ansible-playbook *and* its workers at once, as a
      // terminal's Ctrl-C does; signalling only the main process leaves it waiting for a running task.
      detached: true,
    });
  } catch (err) {
    throw new AnsibleError(`could not start ${command}`, {
      cause: err,
      hint: 'install Ansible (Debian: apt-get install ansible-core), or point PICOCAL_ANSIBLE_PLAYBOOK at an ansible-playbook',
    });
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const escalation: NodeJS.Timeout[] = [];
  const onAbort = () => {
    signalGroup('SIGINT');
    // Ansible stops on the first SIGINT; if a task ignores it, end the group within a bounded time.
    escalation.push(
      setTimeout(() => signalGroup('SIGTERM'), 10_000),
      setTimeout(() => signalGroup('SIGKILL'), 20_000),
    );
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });

  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let count = 0;
  const feed = child.stdio[3] as Readable | undefined;
  const done = new Promise<void>((resolveFeed) => {
    if (!feed) return resolveFeed();
    const rl = createInterface({ input: feed });
    rl.on('line', (line) => {
      events.write(line + '\n');
      const e: AnsibleEvent | undefined = parseEventLine(line);
      if (!e) return;
      count++;
      opts.tracker.apply(e);
    });
    rl.on('close', () => resolveFeed());
  });

  const result = await child;
  for (const t of escalation) clearTimeout(t);
  await done;
  opts.signal.removeEventListener('abort', onAbort);
  await Promise.all([new Promise((r) => log.end(r)), new Promise((r) => events.end(r))]);
  if (result.failed && result.exitCode === undefined && !opts.signal.aborted) {
    throw new AnsibleError(`${command} could not run: ${result.shortMessage ?? 'unknown error'}`, {
      hint: 'install Ansible (Debian: apt-get install ansible-core), or point PICOCAL_ANSIBLE_PLAYBOOK at an ansible-playbook, and check the run log',
    });
  }
  if (opts.signal.aborted) {
    throw new InterruptedError('ansible-playbook was interrupted', {
      hint: `nothing more will change; the partial run is recorded in ${opts.run.dir}. Re-run the same command to converge.`,
    });
  }
  return { exitCode: result.exitCode ?? 1, events: count };
}
