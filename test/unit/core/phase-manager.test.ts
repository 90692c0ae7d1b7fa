// The phase manager (src/core/phase-manager.ts) and the one change path (src/core/changes.ts), with tiny
// fake phases as k0sctl's phase/manager_test.go does: order, shouldRun, cleanUp of the started phases in
// reverse on failure, the after-phase hook, and a dry run whose change list is the real run's.
import { describe, expect, it } from 'vitest';
import { Changes, type MadeChange } from '../../../src/core/changes.js';
import type { Phase } from '../../../src/core/phase.js';
import { runPhases } from '../../../src/core/phase-manager.js';

interface Ctx {
  events: string[];
  changes: Changes;
}

const ctxOf = (dryRun = false): Ctx => ({ events: [], changes: new Changes({ dryRun }) });
const live = () => ({ signal: new AbortController().signal });

function phase(name: string, extra: Partial<Phase<Ctx>> = {}): Phase<Ctx> {
  return {
    title: name,
    run: async (ctx) => {
      ctx.events.push(`run ${name}`);
    },
    cleanUp: async (ctx) => {
      ctx.events.push(`cleanUp ${name}`);
    },
    ...extra,
  };
}

const boom = (name: string): Partial<Phase<Ctx>> => ({
  run: async (ctx) => {
    ctx.events.push(`run ${name}`);
    throw new Error(`${name} failed`);
  },
});

describe('runPhases', () => {
  it('runs the phases in order and says each title before it runs', async () => {
    const ctx = ctxOf();
    const said: string[] = [];
    await runPhases([phase('a'), phase('b'), phase('c')], ctx, { ...live(), say: (l) => said.push(l) });
    expect(ctx.events).toEqual(['run a', 'run b', 'run c']);
    expect(said).toEqual(['==> a', '==> b', '==> c']);
  });

  it('skips a phase whose shouldRun says no, asked when its turn comes (after the phases before it)', async () => {
    const ctx = ctxOf();
    const said: string[] = [];
    let seenBefore: string[] = [];
    await runPhases(
      [
        phase('a'),
        phase('b', {
          shouldRun: (c) => {
            seenBefore = [...c.events];
            return false;
          },
        }),
        phase('c', { shouldRun: () => true }),
      ],
      ctx,
      { ...live(), say: (l) => said.push(l) },
    );
    expect(ctx.events).toEqual(['run a', 'run c']);
    expect(seenBefore).toEqual(['run a']);
    expect(said).toEqual(['==> a', '==> c']);
  });

  it.each([
    ['the first phase fails', 0, ['run a', 'cleanUp a']],
    ['a middle phase fails', 1, ['run a', 'run b', 'cleanUp b', 'cleanUp a']],
    ['the last phase fails', 2, ['run a', 'run b', 'run c', 'cleanUp c', 'cleanUp b', 'cleanUp a']],
  ])('%s: the started phases are cleaned up in reverse, the rest never run', async (_t, failing, events) => {
    const ctx = ctxOf();
    const phases = ['a', 'b', 'c', 'd'].map((n, i) => phase(n, i === failing ? boom(n) : {}));
    await expect(runPhases(phases, ctx, live())).rejects.toThrow(`${'abcd'[failing]} failed`);
    expect(ctx.events).toEqual(events);
  });

  it('skipped phases and phases without cleanUp are not cleaned up; the cleanUp is given the error', async () => {
    const ctx = ctxOf();
    const causes: unknown[] = [];
    const phases = [
      phase('a', { cleanUp: async (c, cause) => void (c.events.push('cleanUp a'), causes.push(cause)) }),
      phase('b', { shouldRun: () => false }),
      { title: 'c', run: async (c: Ctx) => void c.events.push('run c') },
      phase('d', boom('d')),
    ];
    await expect(runPhases(phases, ctx, live())).rejects.toThrow('d failed');
    expect(ctx.events).toEqual(['run a', 'run c', 'run d', 'cleanUp d', 'cleanUp a']);
    expect((causes[0] as Error).message).toBe('d failed');
  });

  it('a cleanUp that fails is reported and the other cleanUps still run; the first error is thrown', async () => {
    const ctx = ctxOf();
    const reported: string[] = [];
    const phases = [
      phase('a'),
      phase('b', {
        cleanUp: async () => {
          throw new Error('b cleanUp failed');
        },
      }),
      phase('c', boom('c')),
    ];
    await expect(
      runPhases(phases, ctx, {
        ...live(),
        onCleanUpError: (p, e) => reported.push(`${p.title}: ${(e as Error).message}`),
      }),
    ).rejects.toThrow('c failed');
    expect(ctx.events).toEqual(['run a', 'run b', 'run c', 'cleanUp c', 'cleanUp a']);
    expect(reported).toEqual(['b: b cleanUp failed']);
  });

  it('calls the after-phase hook after each phase that finished, not after a failed one', async () => {
    const ctx = ctxOf();
    const after: string[] = [];
    await expect(
      runPhases(
        [phase('a'), phase('b', { shouldRun: () => false }), phase('c'), phase('d', boom('d'))],
        ctx,
        {
          ...live(),
          afterPhase: (p, c) => void after.push(`${p.title} after ${c.events.length} events`),
        },
      ),
    ).rejects.toThrow('d failed');
    expect(after).toEqual(['a after 1 events', 'c after 2 events']);
  });

  it('stops before the next phase once the signal is aborted (Ctrl-C), without cleaning up', async () => {
    const ctx = ctxOf();
    const ac = new AbortController();
    const phases = [phase('a', { run: async (c) => void (c.events.push('run a'), ac.abort()) }), phase('b')];
    await runPhases(phases, ctx, { signal: ac.signal });
    expect(ctx.events).toEqual(['run a']);
  });
});

/** A board as the fake sees it: the commands a real run executed on it. */
class RecordingExecutor {
  readonly executed: string[] = [];
  async exec(target: string, command: string): Promise<void> {
    this.executed.push(`${target}: ${command}`);
  }
}

/** A workflow with changes, a read-only check, a step that changes nothing and a phase that only changes some boards. */
function workflow(exec: RecordingExecutor, boards: string[]): Phase<Ctx>[] {
  return [
    {
      title: 'lock',
      run: (c) =>
        c.changes.make('pc-node1', 'lock: take', () => exec.exec('pc-node1', 'ln lock'), {
          plan: () => [{ target: 'pc-node1', action: 'lock: free: the run takes it', verdict: 'PASS' }],
        }),
    },
    {
      title: 'check',
      run: (c) =>
        c.changes.check(async () => ({
          entries: [{ target: 'cluster', action: 'version: 3.31.7', verdict: 'PASS' }],
        })),
    },
    {
      title: 'reset',
      run: async (c) => {
        for (const b of boards) {
          if (b === 'pc-node3') continue;
          await c.changes.make(b, 'reset: remove node files', () => exec.exec(b, 'rm -f calico.conf'));
        }
      },
    },
    {
      title: 'install',
      run: (c) =>
        c.changes.make(
          'local',
          'ansible-playbook install_calico.ansible',
          () => exec.exec('local', 'ansible'),
          {
            quiet: true,
            plan: () => boards.map((b) => ({ target: b, action: 'node prep' })),
          },
        ),
    },
    {
      title: 'verify',
      run: (c) =>
        c.changes.step(
          () => [{ target: 'cluster', action: 'verify every board' }],
          async () => void c.events.push('verified'),
        ),
    },
  ];
}

describe('Changes', () => {
  const boards = ['pc-node1', 'pc-node2', 'pc-node3'];

  it('a dry run makes nothing, and its change list is the change list of the real run', async () => {
    const dryExec = new RecordingExecutor();
    const dry = ctxOf(true);
    await runPhases(workflow(dryExec, boards), dry, live());
    expect(dryExec.executed).toEqual([]);
    expect(dry.events).toEqual([]);

    const realExec = new RecordingExecutor();
    const made: MadeChange[] = [];
    const said: string[] = [];
    const real: Ctx = {
      events: [],
      changes: new Changes({ dryRun: false, say: (l) => said.push(l), record: (c) => made.push(c) }),
    };
    await runPhases(workflow(realExec, boards), real, live());
    expect(realExec.executed).toEqual([
      'pc-node1: ln lock',
      'pc-node1: rm -f calico.conf',
      'pc-node2: rm -f calico.conf',
      'local: ansible',
    ]);
    expect(real.events).toEqual(['verified']);
    expect(dry.changes.list).toEqual(real.changes.list);
    expect(made.map(({ target, action, ok }) => ({ target, action, ok }))).toEqual(
      real.changes.list.map((c) => ({ ...c, ok: true })),
    );
    // A real run says each change it makes (board first), except those with their own progress view.
    expect(said).toEqual([
      '[pc-node1] lock: take',
      '[pc-node1] reset: remove node files',
      '[pc-node2] reset: remove node files',
    ]);
    // A real run prints no plan.
    expect(real.changes.planned).toEqual([]);
  });

  it('the dry-run plan shows the checks with their verdicts and each change (or what describes it), in order', async () => {
    const dry = ctxOf(true);
    await runPhases(workflow(new RecordingExecutor(), boards), dry, live());
    expect(dry.changes.planned).toEqual([
      { target: 'pc-node1', action: 'lock: free: the run takes it', verdict: 'PASS' },
      { target: 'cluster', action: 'version: 3.31.7', verdict: 'PASS' },
      { target: 'pc-node1', action: 'reset: remove node files' },
      { target: 'pc-node2', action: 'reset: remove node files' },
      { target: 'pc-node1', action: 'node prep' },
      { target: 'pc-node2', action: 'node prep' },
      { target: 'pc-node3', action: 'node prep' },
      { target: 'cluster', action: 'verify every board' },
    ]);
  });

  it('a check that would stop the real run: the dry run records it and goes on, the real run throws', async () => {
    const refused = new Error('the cluster runs 3.30.7');
    const evaluate = async () => ({
      entries: [
        { target: 'pc-node1', action: 'version: 3.30.7', verdict: 'WOULD BE REFUSED' as const, exitCode: 2 },
      ],
      error: refused,
    });
    const dry = new Changes({ dryRun: true });
    await dry.check(evaluate);
    expect(dry.planned).toEqual([
      { target: 'pc-node1', action: 'version: 3.30.7', verdict: 'WOULD BE REFUSED', exitCode: 2 },
    ]);
    await expect(new Changes({ dryRun: false }).check(evaluate)).rejects.toBe(refused);
  });

  it('a change that fails is recorded as attempted, with the error, and the error is thrown', async () => {
    const made: MadeChange[] = [];
    const changes = new Changes({ dryRun: false, record: (c) => made.push(c) });
    await expect(
      changes.make('pc-node2', 'restart its calico-node pod', async () => {
        throw new Error('kubectl exited 1');
      }),
    ).rejects.toThrow('kubectl exited 1');
    expect(made.map(({ target, action, ok, error }) => ({ target, action, ok, error }))).toEqual([
      { target: 'pc-node2', action: 'restart its calico-node pod', ok: false, error: 'kubectl exited 1' },
    ]);
    expect(changes.list).toEqual([{ target: 'pc-node2', action: 'restart its calico-node pod' }]);
  });
});
