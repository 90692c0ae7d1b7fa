// Benchmark (LAB ONLY; root on Linux): bootstrap of a fresh 5-board lab three ways, interleaved run by run
// so machine load affects each alike, and reported as ratios measured in the same run:
//   picocal        `picocal bootstrap` (render, sha256 checks, Ansible with picocal's ansible.cfg, verify)
//   ansible-cfg    plain `ansible-playbook` of the same playbook with picocal's ansible.cfg
//   ansible-default the same playbook with Ansible's default settings (no ansible.cfg)
// Usage after a build: node dist/bench/bootstrap-vs-ansible.js [--runs 3] [--artifacts ../shared/calico]
//   [--profile pi4|pi5] (boards of that profile, with --partial-profile: see src/lab/profile/)
//   [--name LAB] (the lab's name; default benchboot, or pi-boot-<profile>)
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labBenchArgs } from './lab-bench-args.js';
import { labDown } from '../src/lab/lab-down.js';
import { labUp } from '../src/lab/lab-up.js';
import { INFRASTRUCTURE_DIR, PACKAGE_ROOT } from '../src/paths.js';
import { parseLabProfile, type LabProfileName } from '../src/lab/profile/board-profiles.js';

type Mode = 'picocal' | 'ansible-cfg' | 'ansible-default';
const MODES: Mode[] = ['picocal', 'ansible-cfg', 'ansible-default'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const cli = join(PACKAGE_ROOT, 'dist/src/cli/picocal.js');

/**
 * The release files picocal would pass for the inventory's Calico version: the operator manifests and CRDs
 * of `<artifacts>/v<version>/manifests` with their SHA256SUMS lines (the custom resources are rendered).
 */
function releaseVars(artifacts: string, inventory: string): Record<string, unknown> {
  const version = /calico_version:\s*['"]?v?([0-9.]+)/.exec(readFileSync(inventory, 'utf8'))?.[1] ?? '3.32.1';
  const sums = readFileSync(join(artifacts, 'SHA256SUMS'), 'utf8').split('\n');
  const prefix = `v${version}/manifests/`;
  const files = sums
    .map((l) => l.trim().split(/\s+/))
    .filter(([, f]) => f?.startsWith(prefix) && !f.slice(prefix.length).startsWith('custom-resources'))
    .map(([sha, f]) => [f?.slice(prefix.length) ?? '', sha ?? '']);
  return { calico_operator_artifacts_dir: artifacts, calico_manifest_sha256: Object.fromEntries(files) };
}

async function once(
  mode: Mode,
  artifacts: string,
  work: string,
  profile: LabProfileName,
  labName: string | undefined,
): Promise<number> {
  const name = labName ?? (profile === 'fast' ? 'benchboot' : `pi-boot-${profile}`);
  await labDown({ name });
  const { state } = await labUp({ name, nodes: 5, profile, partialProfile: true });
  try {
    const build = join(work, 'build');
    const started = Date.now();
    if (mode === 'picocal') {
      const r = await execa(
        'node',
        [cli, 'bootstrap', '-i', state.inventory, '--artifacts', artifacts, '--out', build],
        { cwd: work, reject: false, env: { CI: 'true' } },
      );
      if (r.exitCode !== 0) throw new Error(`picocal bootstrap failed: ${r.stderr.slice(-2000)}`);
      return Date.now() - started;
    }
    // The plain runs get the same rendered input, made before the clock starts.
    mkdirSync(join(work, 'no-calicoctl'), { recursive: true });
    await execa('node', [cli, 'render', '-i', state.inventory, '--out', build], { cwd: work });
    const env: Record<string, string> = { ANSIBLE_NOCOLOR: '1' };
    if (mode === 'ansible-cfg') env['ANSIBLE_CONFIG'] = join(INFRASTRUCTURE_DIR, 'ansible.cfg');
    const t0 = Date.now();
    const r = await execa(
      'ansible-playbook',
      [
        '-i',
        state.inventory,
        join(INFRASTRUCTURE_DIR, 'security/install_calico.ansible'),
        '-e',
        JSON.stringify({
          calico_rendered_vars_dir: build,
          ...releaseVars(artifacts, state.inventory),
          calico_node_prep_calicoctl_dir: join(work, 'no-calicoctl'),
          calico_calicoctl_sha256: { arm64: null, amd64: null },
        }),
      ],
      { cwd: work, reject: false, env, extendEnv: true },
    );
    if (r.exitCode !== 0) throw new Error(`ansible-playbook (${mode}) failed: ${r.stdout.slice(-2000)}`);
    return Date.now() - t0;
  } finally {
    await labDown({ name });
  }
}

async function main(): Promise<number> {
  const args = labBenchArgs('bootstrap-vs-ansible');
  if (!args) return 2;
  const { at } = args;
  const runs = Number(at('--runs') ?? 3);
  const profile = parseLabProfile(at('--profile') ?? 'fast');
  const artifacts = resolve(at('--artifacts') ?? join(PACKAGE_ROOT, '../shared/calico'));
  const work = mkdtempSync(join(tmpdir(), 'picocal-bench-'));
  const times: Record<Mode, number[]> = { picocal: [], 'ansible-cfg': [], 'ansible-default': [] };
  // Each run's ratios pair by pair (the machine's load drifts between runs) and its load average.
  const perRun: Record<string, unknown>[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const load: number[] = [];
      for (const mode of i % 2 === 0 ? MODES : [...MODES].reverse()) {
        times[mode].push(await once(mode, artifacts, work, profile, at('--name')));
        load.push(+(loadavg()[0] ?? 0).toFixed(2));
        process.stderr.write(`run ${i + 1} ${mode}: ${times[mode].at(-1)} ms (load ${load.at(-1)})\n`);
      }
      const t = (m: Mode) => times[m][i] ?? NaN;
      perRun.push({
        order: i % 2 === 0 ? MODES : [...MODES].reverse(),
        loadavg1: load,
        picocalVsAnsibleDefault: +(t('picocal') / t('ansible-default')).toFixed(3),
        picocalVsAnsibleCfg: +(t('picocal') / t('ansible-cfg')).toFixed(3),
        ansibleCfgVsAnsibleDefault: +(t('ansible-cfg') / t('ansible-default')).toFixed(3),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const m = Object.fromEntries(MODES.map((k) => [k, median(times[k])])) as Record<Mode, number>;
  process.stdout.write(
    JSON.stringify({
      bench: 'bootstrap-vs-ansible',
      nodes: 5,
      profile,
      runs,
      ms: times,
      perRun,
      medianMs: m,
      ratios: {
        picocalVsAnsibleDefault: +(m.picocal / m['ansible-default']).toFixed(3),
        ansibleCfgVsAnsibleDefault: +(m['ansible-cfg'] / m['ansible-default']).toFixed(3),
        picocalVsAnsibleCfg: +(m.picocal / m['ansible-cfg']).toFixed(3),
      },
    }) + '\n',
  );
  return 0;
}

process.exitCode = await main();
