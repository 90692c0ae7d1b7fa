// Benchmark (LAB ONLY; root on Linux): is a profiled lab board as slow as the board it models? Two 1-board
// labs, one with --profile (default pi4, --partial-profile so it runs where netem is missing) and one fast,
// and on each, interleaved:
//   python3   `/usr/bin/python3 -c pass` wall time, timed on the board itself (a timer in the board's groups)
//   handshake a new ed25519 SSH connection from the host running `true` (no connection sharing)
//   sysbench  `sysbench cpu --threads=1` events/s on the board, when sysbench is installed
// and prints them against the profile's modelled figure (src/lab/profile/board-profiles.ts).
// Usage after a build: node dist/bench/pi-profile-calibration.js [--profile pi4|pi5] [--runs 15]
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { labBenchArgs } from './lab-bench-args.js';
import { labDown } from '../src/lab/lab-down.js';
import { labUp } from '../src/lab/lab-up.js';
import type { LabState } from '../src/lab/lab-state.js';
import { BOARD_MODELS, parseLabProfile } from '../src/lab/profile/board-profiles.js';
import { readLabProfile } from '../src/lab/profile/lab-profile.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const SYSBENCH_PI = { pi4: 1477.83, pi5: 2737.49 }; // leoncode.co.uk, sysbench 1.0.20, --threads=1

function ssh(state: LabState, command: string[]): Promise<{ stdout: string; exitCode?: number }> {
  const node = state.nodes[0];
  if (!node) throw new Error('no board');
  return execa(
    'ssh',
    [
      '-i',
      state.privateKey,
      '-o',
      `UserKnownHostsFile=${state.knownHosts}`,
      '-o',
      'BatchMode=yes',
      '-o',
      'ControlMaster=no',
      '-o',
      'ControlPath=none',
      '-o',
      'HostKeyAlgorithms=ssh-ed25519',
      `${state.user ?? 'pi'}@${node.address}`,
      '--',
      ...command,
    ],
    { reject: false },
  );
}

// Times N start-ups on the board, in one Python process that runs on the board (so the timer is there too).
const PY_TIMER =
  'import subprocess,time,sys\n' +
  'r=[]\n' +
  'for _ in range(int(sys.argv[1])):\n' +
  '  t=time.perf_counter(); subprocess.run(["/usr/bin/python3","-c","pass"],check=True); r.append((time.perf_counter()-t)*1000)\n' +
  'print(" ".join("%.1f"%x for x in r))\n';

async function pythonMs(state: LabState, runs: number): Promise<number[]> {
  const r = await ssh(state, [
    '/usr/bin/python3',
    '-c',
    `'${PY_TIMER.replace(/'/g, "'\\''")}'`,
    String(runs),
  ]);
  return String(r.stdout).trim().split(/\s+/).map(Number);
}

async function handshakeMs(state: LabState): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await ssh(state, ['true']);
  if (r.exitCode !== 0) throw new Error('ssh to the board failed');
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function sysbench(state: LabState): Promise<number | undefined> {
  if (!existsSync('/usr/bin/sysbench')) return undefined;
  const r = await ssh(state, ['sysbench', 'cpu', '--threads=1', '--time=5', 'run']);
  const m = /events per second:\s+([0-9.]+)/.exec(String(r.stdout));
  return m ? Number(m[1]) : undefined;
}

async function main(): Promise<number> {
  const args = labBenchArgs('pi-profile-calibration');
  if (!args) return 2;
  const { at } = args;
  const name = parseLabProfile(at('--profile') ?? 'pi4');
  if (name === 'fast') throw new Error('--profile must name a board (pi4, pi5)');
  const model = BOARD_MODELS[name];
  const runs = Number(at('--runs') ?? 15);
  const labs = { profiled: 'pi-cal', fast: 'pi-calf' } as const;
  await labDown({ name: labs.profiled });
  await labDown({ name: labs.fast });
  try {
    const profiled = (
      await labUp({ name: labs.profiled, nodes: 1, apiServer: false, profile: name, partialProfile: true })
    ).state;
    const fast = (await labUp({ name: labs.fast, nodes: 1, apiServer: false })).state;
    const record = readLabProfile(profiled.dir);
    const py = { profiled: [] as number[], fast: [] as number[] };
    const hs = { profiled: [] as number[], fast: [] as number[] };
    // Interleaved in small rounds so that a change in the machine's load hits both boards alike.
    for (let round = 0; round < 3; round++) {
      py.profiled.push(...(await pythonMs(profiled, Math.ceil(runs / 3))));
      py.fast.push(...(await pythonMs(fast, Math.ceil(runs / 3))));
      for (let i = 0; i < Math.ceil(runs / 3); i++) {
        hs.profiled.push(await handshakeMs(profiled));
        hs.fast.push(await handshakeMs(fast));
      }
    }
    const sb = { profiled: await sysbench(profiled), fast: await sysbench(fast) };
    const m = {
      pythonMs: { profiled: median(py.profiled), fast: median(py.fast), model: model.pythonStartMs },
      handshakeMs: { profiled: median(hs.profiled), fast: median(hs.fast) },
    };
    process.stdout.write(
      JSON.stringify({
        bench: 'pi-profile-calibration',
        loadavg: loadavg().map((x) => +x.toFixed(2)),
        profile: name,
        runs: py.profiled.length,
        applied: record,
        medians: m,
        pythonVsModel: +(m.pythonMs.profiled / model.pythonStartMs).toFixed(3),
        pythonProfiledVsFast: +(m.pythonMs.profiled / m.pythonMs.fast).toFixed(3),
        handshakeProfiledVsFast: +(m.handshakeMs.profiled / m.handshakeMs.fast).toFixed(3),
        sysbenchEventsPerS: { ...sb, published: SYSBENCH_PI[name] },
        sysbenchVsPublished: sb.profiled ? +(sb.profiled / SYSBENCH_PI[name]).toFixed(3) : null,
        samples: { py, hs },
      }) + '\n',
    );
  } finally {
    await labDown({ name: labs.profiled });
    await labDown({ name: labs.fast });
  }
  return 0;
}

process.exitCode = await main();
