// LAB ONLY test harness: a throwaway lab directory with a lab.json naming fake (or netns-backed)
// nodes, the API stand-in started with startApiServer on 127.0.0.1, and the machine's real kubectl
// pointed at it through a kubeconfig (with its own discovery cache).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { labKubeconfig } from '../../src/lab/kube-api/kubeconfig.js';
import { startApiServer, stopApiServer } from '../../src/lab/kube-api/start.js';

// These tests exercise the stand-ins' rollout and status logic, not the operator's start-up delays (see
// OperatorDelays; test/lab/provision.test.ts runs with them): the API process started here gets none.
for (const v of [
  'PICOCAL_LAB_OPERATOR_START_MS',
  'PICOCAL_LAB_TIGERASTATUS_DELAY_MS',
  'PICOCAL_LAB_CALICO_NODE_POD_DELAY_MS',
])
  process.env[v] ??= '0';
import { writeLabState, type LabNodeState, type LabState } from '../../src/lab/lab-state.js';

export const KUBECTL = '/usr/bin/kubectl';

/** Why lab tests cannot run here, or undefined when they can (CI must always run them). */
export function labSkipReason(needsRoot: boolean): string | undefined {
  if (process.env.CI === 'true') return undefined;
  if (process.platform !== 'linux') return 'lab tests need Linux';
  if (needsRoot && process.getuid?.() !== 0) return 'lab tests need root (network namespaces)';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Harness {
  state: LabState;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startHarness(nodes: Partial<LabNodeState>[]): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'pclab-'));
  const port = await freePort();
  const state: LabState = {
    name: 'pclt',
    dir,
    bridge: 'none',
    subnet: '10.77.0.0/24',
    gateway: '127.0.0.1',
    createdAt: new Date().toISOString(),
    nodes: nodes.map((n, i) => ({
      name: `pc-node${i + 1}`,
      role: i === 0 ? 'control-plane' : 'worker',
      address: `10.77.0.${11 + i}`,
      mac: `02:00:00:00:00:${(11 + i).toString(16)}`,
      netns: `pclt-none-${i + 1}`,
      upperDir: join(dir, `upper-${i + 1}`),
      hostKeyFingerprint: '',
      state: 'running',
      arch: 'x86_64',
      ...n,
    })),
    apiServer: { url: `http://127.0.0.1:${port}`, host: '127.0.0.1', port },
    inventory: join(dir, 'inventory.yml'),
    knownHosts: join(dir, 'known_hosts'),
    privateKey: join(dir, 'id_ed25519'),
    ansibleCfg: join(dir, 'ansible.cfg'),
    faultsDir: join(dir, 'faults'),
  };
  writeLabState(state);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, labKubeconfig(state.apiServer.url));
  mkdirSync(join(dir, 'home'), { recursive: true });
  const h: Harness = {
    state,
    kubectl: async (args, input) => {
      const r = await execa(KUBECTL, args, {
        reject: false,
        env: { KUBECONFIG: kubeconfig, HOME: join(dir, 'home') },
        timeout: 90_000,
        ...(input !== undefined ? { input } : {}),
      });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    stop: () => stopApiServer(state),
    start: async () => {
      const { pid } = await startApiServer(state);
      state.apiServer.pid = pid;
      writeLabState(state);
    },
    cleanup: async () => {
      await stopApiServer(state);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await h.start();
  return h;
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last !== undefined && last !== false) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}
