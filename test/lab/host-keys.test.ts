// --accept-new-host-keys on a first bootstrap, against real boards (two lab nodes, real sshd) and the real
// Ansible: with an empty known_hosts, Ansible (always strict) reaches no board; the host-key phase that
// bootstrap/reprovision run before Ansible records and prints every board's key, after which Ansible
// reaches all of them. A changed key stops that phase. reprovision --reset's connection (the run's pool) honours the flag.
import { cacheSource } from '../../src/artifacts/release-source.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Output } from '../../src/core/output.js';
import { loadInventory } from '../../src/inventory/load.js';
import { INFRASTRUCTURE_DIR } from '../../src/paths.js';
import type { Inventory } from '../../src/inventory/types.js';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import { hostKeysPhase } from '../../src/provision/phases/host-keys.js';
import { nodeResetPhase } from '../../src/provision/phases/node-reset.js';
import { createRunFolder } from '../../src/core/run-folder.js';
import { Changes } from '../../src/core/changes.js';
import { ClusterShell } from '../../src/cluster/cluster-shell.js';
import { describeNewHostKey } from '../../src/ssh/host-verifier.js';
import { SshConnectError } from '../../src/ssh/ssh-failure.js';
import { SshPool, type HostKeyPolicy } from '../../src/ssh/ssh-pool.js';
import type { ProvisionContext } from '../../src/provision/context.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';

const LAB = 'hostkeys';

describeLab('--accept-new-host-keys before Ansible on a first bootstrap', () => {
  const lab = useLab(LAB, 2, { apiServer: false });
  let work = '';
  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;

  /** The lab's inventory, with picocal_known_hosts pointing at `kh` (which may not exist yet). */
  async function inventoryWith(kh: string): Promise<Inventory> {
    const file = join(work, `inventory-${Date.now()}.yaml`);
    const text = readFileSync(current().inventory, 'utf8').replace(
      /picocal_known_hosts: .*/,
      `picocal_known_hosts: ${JSON.stringify(kh)}`,
    );
    expect(text).toContain(kh);
    writeFileSync(file, text);
    return loadInventory(file);
  }
  /** A real run's context; its SSH pool (the run's one pool) is created with --accept-new-host-keys. */
  function context(inv: Inventory, lines: string[], limit?: string[]): ProvisionContext {
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const pool = new SshPool({ connectTimeoutMs: 15_000, ...policy(lines) });
    return {
      inventory: inv,
      out: new Output('text', true, false, sink, sink),
      signal: new AbortController().signal,
      run: createRunFolder(work, 'bootstrap'),
      renderDir: join(work, 'build'),
      // The host-key phase reads no release file: a cache that never downloads.
      releaseSource: cacheSource({ dir: join(work, 'cache'), download: false }),
      limit,
      changes: new Changes({ dryRun: false }),
      pool,
      shell: new ClusterShell(pool, inv),
      controlPlaneReached: true,
    };
  }
  const policy = (lines: string[]): HostKeyPolicy => ({
    acceptNewHostKeys: true,
    onNewHostKey: (k) => lines.push(describeNewHostKey(k)),
  });
  /** The real ansible ping with the project's settings (strict host keys against picocal_known_hosts). */
  const ansiblePing = (inv: Inventory) =>
    execa(
      'ansible',
      ['all', '-i', inv.file, '-m', 'ping', '--playbook-dir', join(INFRASTRUCTURE_DIR, 'security')],
      {
        reject: false,
        env: {
          ANSIBLE_CONFIG: join(INFRASTRUCTURE_DIR, 'ansible.cfg'),
          // No ControlPersist master from another run may stand in for a host-key check.
          ANSIBLE_CONTROL_PATH_DIR: join(work, 'cp'),
        },
      },
    );

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pc-hostkeys-'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    'records and prints every board before Ansible, which then reaches all of them',
    { timeout: 180_000 },
    async () => {
      const kh = join(work, 'first', 'known_hosts');
      const inv = await inventoryWith(kh);
      const before = await ansiblePing(inv);
      // Without the step, a strict Ansible reaches no board of a new cluster.
      expect(before.exitCode, before.stdout).not.toBe(0);
      for (const n of current().nodes) expect(before.stdout).toMatch(new RegExp(`${n.name} \\| UNREACHABLE`));

      const lines: string[] = [];
      const ctx = context(inv, lines);
      try {
        await hostKeysPhase.run(ctx);
      } finally {
        ctx.pool.close();
      }
      for (const n of current().nodes) {
        expect(lines).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^${n.name}: recorded new host key ssh-ed25519 ${n.hostKeyFingerprint.replace(/[+]/g, '\\+')} for ${n.address} in ${kh}$`,
            ),
          ),
        );
      }
      const after = await ansiblePing(inv);
      expect(after.exitCode, after.stdout + after.stderr).toBe(0);
      for (const n of current().nodes) expect(after.stdout).toMatch(new RegExp(`${n.name} \\| SUCCESS`));
    },
  );

  it('stops before Ansible when a board presents a changed key, naming both fingerprints', async () => {
    const kh = join(work, 'changed_known_hosts');
    const worker = current().nodes[1]!;
    const other = join(work, 'other_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherLine = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(kh, `${worker.address} ${otherLine}\n`);
    const otherFp = (await execa('ssh-keygen', ['-lf', `${other}.pub`])).stdout.split(' ')[1]!;
    const inv = await inventoryWith(kh);
    const lines: string[] = [];
    const ctx = context(inv, lines);
    const err = await hostKeysPhase
      .run(ctx)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
      .finally(() => ctx.pool.close());
    expect(err).toBeInstanceOf(SshConnectError);
    expect((err as SshConnectError).node).toBe(worker.name);
    expect((err as SshConnectError).message).toContain(otherFp);
    expect((err as SshConnectError).message).toContain(worker.hostKeyFingerprint);
    // The old key stays; the other board's new key was recorded.
    const text = readFileSync(kh, 'utf8');
    expect(text.startsWith(`${worker.address} ${otherLine}\n`)).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith(`${worker.address} `))).toHaveLength(1);
  });

  it("reprovision --reset's own connection honours --accept-new-host-keys", async () => {
    const kh = join(work, 'reset', 'known_hosts');
    const inv = await inventoryWith(kh);
    const worker = current().nodes[1]!;
    const lines: string[] = [];
    const ctx = context(inv, lines, [worker.name]);
    await nodeResetPhase.run(ctx).finally(() => ctx.pool.close());
    expect(lines).toContain(`[${worker.name}] reset: node files and Calico links removed`);
    expect(lines).toContainEqual(
      expect.stringContaining(
        `${worker.name}: recorded new host key ssh-ed25519 ${worker.hostKeyFingerprint}`,
      ),
    );
  });
});
