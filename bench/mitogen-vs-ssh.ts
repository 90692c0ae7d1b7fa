// Benchmark (LAB ONLY; root on Linux): raw `ansible-playbook` of install_calico.ansible on a fresh 5-board lab
// with picocal's ansible.cfg, vs the same plus Mitogen for Ansible's `strategy = mitogen_linear`
// (https://mitogen.networkgenome.org/ansible_detailed.html#installation: `strategy_plugins` names
// ansible_mitogen/plugins/strategy, `strategy = mitogen_linear`). Interleaved run by run (the order alternates),
// a fresh lab per run, the same rendered input made before the clock starts; ratios within one run.
// Mitogen is not a picocal dependency: install it into a throw-away venv and name its strategy folder:
//   python3 -m venv /tmp/vs-mitogen && /tmp/vs-mitogen/bin/pip install mitogen==0.3.54
//   node dist/bench/mitogen-vs-ssh.js --strategy-plugins \
//     /tmp/vs-mitogen/lib/python3.11/site-packages/ansible_mitogen/plugins/strategy \
//     [--profile pi4] [--runs 2] [--ansible-playbook PATH] [--modes ssh,mitogen] [--artifacts DIR]
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labBenchArgs } from './lab-bench-args.js';
import { labDown } from '../src/lab/lab-down.js';
import { labUp } from '../src/lab/lab-up.js';
import { INFRASTRUCTURE_DIR, PACKAGE_ROOT } from '../src/paths.js';
import { parseLabProfile, type LabProfileName } from '../src/lab/profile/board-profiles.js';

type Mode = 'ssh' | 'mitogen';
const cli = join(PACKAGE_ROOT, 'dist/src/cli/picocal.js');
const load = () => loadavg().map((x) => +x.toFixed(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The release files picocal would pass (as bench/bootstrap-vs-ansible.ts does). */
function releaseVars(artifacts: string, inventory: string): Record<string, unknown> {
  const version = /calico_version:\s*['"]?v?([0-9.]+)/.exec(readFileSync(inventory, 'utf8'))?.[1] ?? '3.32.1';
  const prefix = `v${version}/manifests/`;
  const files = readFileSync(join(artifacts, 'SHA256SUMS'), 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, f]) => f?.startsWith(prefix) && !f.slice(prefix.length).startsWith('custom-resources'))
    .map(([sha, f]) => [f?.slice(prefix.length) ?? '', sha ?? '']);
  return { calico_operator_artifacts_dir: artifacts, calico_manifest_sha256: Object.fromEntries(files) };
}

/** picocal's ansible.cfg with its relative folders made absolute, plus Mitogen's two lines in mitogen mode. */
function writeConfig(work: string, mode: Mode, strategyPlugins: string): string {
  const text = readFileSync(join(INFRASTRUCTURE_DIR, 'ansible.cfg'), 'utf8')
    .replace(/^roles_path = (.*)$/m, (_l, p: string) => `roles_path = ${join(INFRASTRUCTURE_DIR, p)}`)
    .replace(
      /^callback_plugins = (.*)$/m,
      (_l, p: string) => `callback_plugins = ${join(INFRASTRUCTURE_DIR, p)}`,
    )
    .replace(
      /^\[defaults\]$/m,
      mode === 'mitogen'
        ? `[defaults]\nstrategy_plugins = ${strategyPlugins}\nstrategy = mitogen_linear`
        : '[defaults]',
    );
  const file = join(work, `ansible-${mode}.cfg`);
  writeFileSync(file, text);
  return file;
}

interface Run {
  mode: Mode;
  ms: number;
  code: number;
  recap: string[];
  loadavg: number[];
  fatal: string[];
  tail?: string;
}

async function once(
  mode: Mode,
  o: { artifacts: string; work: string; profile: LabProfileName; playbook: string; strategyPlugins: string },
): Promise<Run> {
  const name = 'vs-mito';
  await labDown({ name });
  const { state } = await labUp({ name, nodes: 5, profile: o.profile, partialProfile: true });
  try {
    const build = join(o.work, 'build');
    rmSync(build, { recursive: true, force: true });
    mkdirSync(join(o.work, 'no-calicoctl'), { recursive: true });
    await execa('node', [cli, 'render', '-i', state.inventory, '--out', build], { cwd: o.work });
    const env = { ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: writeConfig(o.work, mode, o.strategyPlugins) };
    const t0 = performance.now();
    const r = await execa(
      o.playbook,
      [
        '-i',
        state.inventory,
        join(INFRASTRUCTURE_DIR, 'security/install_calico.ansible'),
        '-e',
        JSON.stringify({
          calico_rendered_vars_dir: build,
          ...releaseVars(o.artifacts, state.inventory),
          calico_node_prep_calicoctl_dir: join(o.work, 'no-calicoctl'),
          calico_calicoctl_sha256: { arm64: null, amd64: null },
        }),
      ],
      { cwd: o.work, reject: false, env, extendEnv: true, all: true },
    );
    const ms = Math.round(performance.now() - t0);
    const out = r.all ?? '';
    const recap = out
      .slice(out.lastIndexOf('PLAY RECAP'))
      .split('\n')
      .filter((l) => /ok=\d+/.test(l))
      .map((l) => l.replace(/\s+/g, ' ').trim());
    return {
      mode,
      ms,
      code: r.exitCode ?? 1,
      recap,
      loadavg: load(),
      // Why a board failed (the tail alone may not reach back to the task that lost it).
      fatal: out.split('\n').filter((l) => /^fatal: |UNREACHABLE!/.test(l)),
      ...(r.exitCode === 0 ? {} : { tail: out.slice(-3000) }),
    };
  } finally {
    await labDown({ name });
  }
}

async function main(): Promise<number> {
  const args = labBenchArgs('mitogen-vs-ssh');
  if (!args) return 2;
  const { at } = args;
  const strategyPlugins = at('--strategy-plugins');
  if (!strategyPlugins) {
    process.stderr.write('bench/mitogen-vs-ssh: --strategy-plugins DIR (ansible_mitogen/plugins/strategy)\n');
    return 2;
  }
  const runs = Number(at('--runs') ?? 2);
  const modes = (at('--modes') ?? 'ssh,mitogen').split(',') as Mode[];
  const o = {
    artifacts: resolve(at('--artifacts') ?? join(PACKAGE_ROOT, '../shared/calico')),
    work: mkdtempSync(join(tmpdir(), 'picocal-bench-mitogen-')),
    profile: parseLabProfile(at('--profile') ?? 'pi4'),
    playbook: at('--ansible-playbook') ?? 'ansible-playbook',
    strategyPlugins: resolve(strategyPlugins),
  };
  const version = (await execa(o.playbook, ['--version'], { reject: false })).stdout.split('\n')[0];
  const results: Run[] = [];
  const loadStart = load();
  try {
    for (let i = 0; i < runs; i++) {
      for (const mode of i % 2 === 0 ? modes : [...modes].reverse()) {
        const r = await once(mode, o);
        results.push(r);
        process.stderr.write(
          `run ${i + 1} ${mode}: ${r.ms} ms, exit ${r.code}, load ${r.loadavg.join(' ')}\n`,
        );
      }
    }
  } finally {
    rmSync(o.work, { recursive: true, force: true });
  }
  const ok = (m: Mode) => results.filter((r) => r.mode === m && r.code === 0).map((r) => r.ms);
  const med = Object.fromEntries(modes.map((m) => [m, median(ok(m))]));
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'mitogen-vs-ssh',
        nodes: 5,
        profile: o.profile,
        ansiblePlaybook: version,
        loadavgStart: loadStart,
        runs: results,
        medianMsOfSuccessfulRuns: med,
        ...(med['ssh'] && med['mitogen']
          ? { mitogenVsSsh: +((med['mitogen'] ?? 0) / (med['ssh'] ?? 1)).toFixed(3) }
          : {}),
      },
      null,
      2,
    ) + '\n',
  );
  return 0;
}

process.exitCode = await main();
