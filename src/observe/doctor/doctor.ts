// `picocal doctor`: is this machine ready to run picocal, and (with an inventory) can it reach every board?
// Each check gives one row: what was checked, ok / warn / fail, what was found, and the fix for a problem.
// Nothing is changed: programs are asked for their version, files are read, boards get an SSH handshake
// with strict host-key checking (no key is ever recorded) and `true` as the only command.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { ReleaseSource } from '../../artifacts/release-source.js';
import { compareVersions, latestRelease, requireRelease } from '../../catalog/versions.js';
import { PicocalError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import { SshPool } from '../../ssh/ssh-pool.js';
import { sshTargetFor } from '../../ssh/ssh-target.js';

const run = promisify(execFile);

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do; empty when ok. */
  fix: string;
}

export const MIN_NODE_MAJOR = 20;
export const MIN_ANSIBLE_CORE = '2.14';

const ok = (check: string, detail: string): DoctorCheck => ({ check, status: 'ok', detail, fix: '' });

/** The first line a program prints for `args`, or undefined when it cannot be run. */
async function versionOf(program: string, args: string[]): Promise<string | undefined> {
  try {
    const r = await run(program, args, { timeout: 20_000 });
    return `${r.stdout}\n${r.stderr}`.trim().split('\n')[0]?.trim();
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    // `ssh -V` answers on stderr; some programs exit non-zero for --version.
    if (e.code === 'ENOENT') return undefined;
    const text = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim();
    return text ? text.split('\n')[0]?.trim() : undefined;
  }
}

export function nodeCheck(version = process.versions.node): DoctorCheck {
  const major = Number(version.split('.')[0]);
  return major >= MIN_NODE_MAJOR
    ? ok('node', `Node.js ${version}`)
    : {
        check: 'node',
        status: 'fail',
        detail: `Node.js ${version}, picocal needs ${MIN_NODE_MAJOR} or newer`,
        fix: `install Node.js ${MIN_NODE_MAJOR}+ (https://nodejs.org or your distribution)`,
      };
}

/** `ansible-playbook [core 2.16.3]` → ok when core ≥ MIN_ANSIBLE_CORE. */
export function ansibleCheck(firstLine: string | undefined): DoctorCheck {
  const fix = 'bash scripts/install-deps.sh (or: apt-get install ansible-core)';
  if (!firstLine) return { check: 'ansible-playbook', status: 'fail', detail: 'not found on PATH', fix };
  const m = /core ([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(firstLine);
  if (!m?.[1])
    return {
      check: 'ansible-playbook',
      status: 'warn',
      detail: `cannot read the version from '${firstLine}'`,
      fix: `picocal needs ansible-core ${MIN_ANSIBLE_CORE} or newer: ${fix}`,
    };
  if (compareVersions(m[1], MIN_ANSIBLE_CORE) < 0)
    return {
      check: 'ansible-playbook',
      status: 'fail',
      detail: `ansible-core ${m[1]}, picocal needs ${MIN_ANSIBLE_CORE} or newer`,
      fix,
    };
  return ok('ansible-playbook', `ansible-core ${m[1]}`);
}

export async function machineChecks(): Promise<DoctorCheck[]> {
  const [ansible, ssh, kubectl] = await Promise.all([
    versionOf('ansible-playbook', ['--version']),
    versionOf('ssh', ['-V']),
    versionOf('kubectl', ['version', '--client']),
  ]);
  return [
    nodeCheck(),
    ansibleCheck(ansible),
    ssh
      ? ok('ssh', ssh)
      : {
          check: 'ssh',
          status: 'fail',
          detail: 'the OpenSSH client is not on PATH (Ansible connects with it)',
          fix: 'apt-get install openssh-client',
        },
    kubectl
      ? ok('kubectl', kubectl)
      : {
          check: 'kubectl',
          status: 'warn',
          detail: 'not on PATH: calico-validate --live/--probe and policy enforce --live need it',
          fix: 'install kubectl (https://kubernetes.io/docs/tasks/tools/)',
        },
  ];
}

export function knownHostsChecks(files: readonly string[]): DoctorCheck[] {
  return files.map((file) => {
    if (!existsSync(file))
      return {
        check: 'known_hosts',
        status: 'fail',
        detail: `${file} does not exist: no board's host key can be verified`,
        fix: 'ssh-keyscan the boards into it and compare the fingerprints, or run picocal bootstrap --accept-new-host-keys once',
      };
    try {
      accessSync(file, constants.R_OK);
    } catch {
      return {
        check: 'known_hosts',
        status: 'fail',
        detail: `${file} is not readable`,
        fix: `make ${file} readable for this user`,
      };
    }
    return ok('known_hosts', file);
  });
}

export async function artifactsCheck(
  source: ReleaseSource,
  version: string | undefined,
): Promise<DoctorCheck> {
  const release = version ? requireRelease(version) : latestRelease();
  try {
    const set = await source.manifests(release);
    return ok(
      'artifacts',
      `Calico ${release.version} manifests in ${source.description}${set.labOnly ? ' (LAB-ONLY stand-ins)' : ''}, sha256 ok`,
    );
  } catch (err) {
    if (!(err instanceof PicocalError)) throw err;
    return {
      check: 'artifacts',
      status: 'warn',
      detail: `Calico ${release.version}: ${err.message}`,
      fix: err.hint ?? `picocal artifacts fetch --version ${release.version}`,
    };
  }
}

/** One strict SSH handshake per board (no key recorded) and `true`, in parallel. */
export async function boardChecks(inv: Inventory, timeoutMs = 8000): Promise<DoctorCheck[]> {
  const pool = new SshPool({ connectTimeoutMs: timeoutMs, acceptNewHostKeys: false, maxAttempts: 1 });
  try {
    const targets = inv.hosts.map((h) => sshTargetFor(inv, h));
    const results = await pool.forEach(targets, async (t) => {
      const s = await pool.session(t);
      const r = await s.exec(['true'], { timeoutMs });
      if (r.code !== 0) throw new Error(`\`true\` exited ${r.code}`);
    });
    return results.map((r) => {
      const check = `ssh ${r.target.node}`;
      const where = `${r.target.user}@${r.target.host}:${r.target.port}`;
      if (r.ok) return ok(check, `${where}: reachable, host key matches ${r.target.knownHosts}`);
      const e = r.error as PicocalError & { kind?: string };
      return {
        check,
        status: 'fail',
        detail: `${where}: ${e.message ?? String(r.error)}`,
        fix:
          e.hint ??
          (e.kind === 'host-key'
            ? `compare the board's fingerprint, then add it to ${r.target.knownHosts}`
            : 'check the board, its address and sshd'),
      };
    });
  } finally {
    pool.close();
  }
}
