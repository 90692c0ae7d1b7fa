// Benchmark (LAB ONLY; root on Linux): `picocal verify` of 1, 5 and 20 boards on a running, bootstrapped lab
// of a board profile, and where the time goes (one board's handshake alone vs 20 at once, one exec, the node
// probe, each kubectl call on the control plane). Two builds can be compared pair by pair (interleaved A/B in
// one run): --cli-a and --cli-b name their picocal.js. The lab must be up and bootstrapped (20 boards):
//   node dist/src/cli/picocal.js lab up --name vs-20 --nodes 20 [--profile pi4 --partial-profile]
//   node dist/src/cli/picocal.js bootstrap -i /tmp/pcl-vs-20/inventory.yaml --artifacts ...
// --apply-profile pi4 puts a lab brought up without a profile under that profile's limits now (the same
// cgroups `lab up --profile pi4 --partial-profile` makes, applied to the running boards' processes).
// Usage after a build:
//   node dist/bench/pi-verify-scaling.js --name vs-20 [--apply-profile pi4] [--runs 5]
//     [--cli-a OLD/picocal.js --cli-b dist/src/cli/picocal.js] [--breakdown-only]
import { execa } from 'execa';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { labBenchArgs } from './lab-bench-args.js';
import {
  CLUSTER_PROBE_SCRIPT,
  clusterProbeArgv,
  NODE_PROBE_SCRIPT,
  nodeProbeArgv,
} from '../src/health/probe-script.js';
import { newMarker } from '../src/health/probe-output.js';
import { loadInventory } from '../src/inventory/load.js';
import { findLab } from '../src/lab/lab-find.js';
import { parseLabProfile } from '../src/lab/profile/board-profiles.js';
import {
  applyLabProfile,
  enterBoardProfile,
  planLabProfile,
  readLabProfile,
} from '../src/lab/profile/lab-profile.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { SshPool } from '../src/ssh/ssh-pool.js';
import { sshTargetFor } from '../src/ssh/ssh-target.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const load = () => loadavg().map((x) => +x.toFixed(2));
const since = (t0: number) => Math.round(performance.now() - t0);

async function timedVerify(cli: string, argv: string[]): Promise<{ ms: number; code: number }> {
  const t0 = performance.now();
  const r = await execa('node', [cli, 'verify', ...argv], { reject: false, env: { CI: 'true' } });
  return { ms: since(t0), code: r.exitCode ?? 1 };
}

// kubectl as the cluster probe runs it (sudo -n only when the kubeconfig is not readable), argv after `--`.
const KC = `K=$1; C=$2; shift 2
if [ -r "$C" ]; then exec "$K" --kubeconfig "$C" "$@"; else exec sudo -n "$K" --kubeconfig "$C" "$@"; fi
`;

/** Where one verify's time goes, measured piece by piece with picocal's own SSH pool and probe scripts. */
async function breakdown(inventory: string) {
  const inv = await loadInventory(inventory);
  const targets = inv.hosts.map((h) => sshTargetFor(inv, h));
  const cp = sshTargetFor(inv, inv.controlPlane);
  const { kubectl, kubeconfig } = inv.cluster.kubernetes;
  const poolOpts = { connectTimeoutMs: 60_000, acceptNewHostKeys: false };
  const nodeArgv = (m: string) =>
    nodeProbeArgv({ marker: m, felixPort: 9099, bgp: inv.cluster.bgp, limitSeconds: 5 });

  // One board alone: its handshake, one `true`, the node probe.
  const solo = new SshPool(poolOpts);
  const t0 = performance.now();
  const s = await solo.session(targets[1] ?? cp);
  const handshakeOne = since(t0);
  const t1 = performance.now();
  await s.exec(['true']);
  const execTrue = since(t1);
  const t2 = performance.now();
  await s.exec(nodeArgv(newMarker()), { stdin: NODE_PROBE_SCRIPT, timeoutMs: 60_000 });
  const nodeProbeOne = since(t2);
  solo.close();

  // Every board at once, as verify of all boards does.
  const all = new SshPool(poolOpts);
  const t3 = performance.now();
  const hs = await Promise.all(
    targets.map(async (t) => {
      const a = performance.now();
      await all.session(t);
      return since(a);
    }),
  );
  const handshakeAllWall = since(t3);
  const t4 = performance.now();
  const probes = await Promise.all(
    targets.map(async (t) => {
      const a = performance.now();
      await (
        await all.session(t)
      ).exec(nodeArgv(newMarker()), { stdin: NODE_PROBE_SCRIPT, timeoutMs: 60_000 });
      return since(a);
    }),
  );
  const nodeProbeAllWall = since(t4);
  all.close();

  // The control plane's kubectl, one call at a time, over one connection.
  const cpPool = new SshPool(poolOpts);
  const cps = await cpPool.session(cp);
  const kc = async (args: string[]) => {
    const a = performance.now();
    const r = await cps.exec(['sh', '-s', '--', kubectl, kubeconfig, ...args], {
      stdin: KC,
      timeoutMs: 60_000,
    });
    return { ms: since(a), code: r.code, bytes: r.stdout.length };
  };
  const kubectlCalls = {
    versionClient: await kc(['version', '--client']),
    calicoNodePods: await kc([
      'get',
      'pods',
      '-n',
      'calico-system',
      '-l',
      'k8s-app=calico-node',
      '-o',
      'json',
    ]),
    tigerastatus: await kc(['get', 'tigerastatus', 'calico', '-o', 'json']),
    installation: await kc(['get', 'installation', 'default', '-o', 'json']),
    allPods: await kc(['get', 'pods', '--all-namespaces', '-o', 'json']),
    oneCallForAll: await kc(['get', 'pods,tigerastatuses,installations', '--all-namespaces', '-o', 'json']),
  };
  const a = performance.now();
  const m = newMarker();
  // verify's own cluster probe as it runs first: the one call for every check (section `all`).
  await cps.exec(clusterProbeArgv({ marker: m, kubectl, kubeconfig, limitSeconds: 30, sections: ['all'] }), {
    stdin: CLUSTER_PROBE_SCRIPT,
    timeoutMs: 60_000,
  });
  const clusterProbe = since(a);
  cpPool.close();
  return {
    boards: targets.length,
    handshakeOneMs: handshakeOne,
    execTrueMs: execTrue,
    nodeProbeOneMs: nodeProbeOne,
    handshakeAll: { wallMs: handshakeAllWall, medianMs: median(hs), maxMs: Math.max(...hs) },
    nodeProbeAll: { wallMs: nodeProbeAllWall, medianMs: median(probes), maxMs: Math.max(...probes) },
    kubectlCalls,
    clusterProbeMs: clusterProbe,
  };
}

async function main(): Promise<number> {
  const args = labBenchArgs('pi-verify-scaling');
  if (!args) return 2;
  const { at } = args;
  const state = findLab({ name: at('--name') ?? 'vs-20' });
  const runs = Number(at('--runs') ?? 5);
  const applyProfile = at('--apply-profile');
  if (applyProfile && !readLabProfile(state.dir)) {
    const record = await planLabProfile({
      profile: parseLabProfile(applyProfile),
      partial: true,
      labDir: state.dir,
    });
    applyLabProfile(state, record);
    await enterBoardProfile(state, state.nodes);
  }
  const out: Record<string, unknown> = {
    bench: 'pi-verify-scaling',
    lab: state.name,
    boards: state.nodes.length,
    profile: readLabProfile(state.dir) ?? 'fast',
    loadavgStart: load(),
  };
  const breakdowns = [];
  for (let i = 0; i < (args.has('--breakdown-only') ? 3 : 1); i++)
    breakdowns.push(await breakdown(state.inventory));
  out['breakdown'] = breakdowns;
  if (!args.has('--breakdown-only')) {
    const clis = {
      a: at('--cli-a') ?? join(PACKAGE_ROOT, 'dist/src/cli/picocal.js'),
      ...(at('--cli-b') ? { b: at('--cli-b')! } : {}),
    };
    const names = state.nodes.map((n) => n.name);
    const sizes: Record<string, string[]> = {
      '1': ['--node', names[0]!],
      '5': names.slice(0, 5).flatMap((n) => ['--node', n]),
      [String(names.length)]: [],
    };
    const times: Record<string, number[]> = {};
    const codes: Record<string, number[]> = {};
    const loads: number[][] = [];
    for (let r = 0; r < runs + 1; r++) {
      for (const [size, sel] of Object.entries(sizes)) {
        for (const [which, cli] of Object.entries(clis)) {
          const v = await timedVerify(cli, ['-i', state.inventory, ...sel]);
          // The first round warms caches (kubectl's discovery cache on the control plane) and is not counted.
          if (r === 0) continue;
          (times[`${which}${size}`] ??= []).push(v.ms);
          (codes[`${which}${size}`] ??= []).push(v.code);
        }
      }
      loads.push(load());
      process.stderr.write(`round ${r} done, load ${load().join(' ')}\n`);
    }
    const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const twenty = String(names.length);
    out['verify'] = {
      runsMs: times,
      exitCodes: codes,
      medianMs: medians,
      ratios: Object.fromEntries(
        Object.keys(clis).map((w) => [
          w,
          {
            [`${twenty}to1`]: +((medians[`${w}${twenty}`] ?? 0) / (medians[`${w}1`] ?? 1)).toFixed(2),
            '5to1': +((medians[`${w}5`] ?? 0) / (medians[`${w}1`] ?? 1)).toFixed(2),
          },
        ]),
      ),
      loadavgPerRound: loads,
    };
  }
  out['loadavgEnd'] = load();
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}

process.exitCode = await main();
