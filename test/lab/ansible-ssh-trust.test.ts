// Ansible's ssh connections under picocal, with the real ansible-playbook and real OpenSSH sshd on
// loopback: the jump hop is checked against picocal_known_hosts (not ~/.ssh/known_hosts), a jump host
// named by inventory name is reached at that host's address, port, user and key, an inventory that sets
// ansible_ssh_args cannot turn the checks off, and no control master is reused across known_hosts files.
// Needs root on Linux (sshd).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeSshd,
  generateKey,
  reapOrphanedSshd,
  SSHD,
  startLoopbackSshd,
  type LoopbackSshd,
} from '../../bench/verify-sshd.js';
import { ProgressTracker } from '../../src/ansible/node-progress.js';
import { runPlaybook } from '../../src/ansible/run-playbook.js';
import { loadInventory } from '../../src/inventory/load.js';
import { INFRASTRUCTURE_DIR } from '../../src/paths.js';
import type { Inventory } from '../../src/inventory/types.js';
import { createRunFolder } from '../../src/core/run-folder.js';
import { sshTargetFor } from '../../src/ssh/ssh-target.js';

function whyNot(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (sshd privilege separation)';
  if (!existsSync(SSHD)) return 'needs openssh-server (scripts/install-deps.sh)';
  return undefined;
}
const reason = whyNot();
if (reason && process.env['CI'] === 'true') {
  describe('Ansible ssh trust (real sshd)', () => {
    it('runs in CI', () => {
      throw new Error(`cannot run here: ${reason}; CI must run it as root on Linux`);
    });
  });
} else if (reason) {
  console.warn(`skipping test/lab/ansible-ssh-trust.test.ts: ${reason}`);
}

describe.skipIf(reason !== undefined)(
  'Ansible ssh connections under picocal (real ansible-playbook, real sshd)',
  () => {
    let jump: LoopbackSshd | undefined;
    let board: LoopbackSshd | undefined;
    let work = '';

    beforeAll(async () => {
      await reapOrphanedSshd();
      work = await mkdtemp(join(tmpdir(), 'picocal-ansible-trust-'));
      const clientKey = await generateKey(join(work, 'client_ed25519'));
      jump = await startLoopbackSshd({ host: '127.0.0.1', clientKey });
      board = await startLoopbackSshd({ host: '127.0.0.2', clientKey });
      // The project's group_vars beside the play, as beside the real playbooks: their
      // ansible_ssh_common_args (with ProxyJump for a jump host) come after picocal's pinned arguments.
      await mkdir(join(work, 'group_vars'));
      await copyFile(
        join(INFRASTRUCTURE_DIR, 'security/group_vars/all.yml'),
        join(work, 'group_vars/all.yml'),
      );
      await writeFile(
        join(work, 'ping.yaml'),
        dump([
          {
            name: 'reach',
            hosts: 'all',
            gather_facts: false,
            tasks: [{ name: 'Calico | Reach', 'ansible.builtin.raw': 'true' }],
          },
        ]),
      );
    }, 60_000);

    afterAll(async () => {
      await disposeSshd(jump);
      await disposeSshd(board);
      if (work) await rm(work, { recursive: true, force: true });
    });

    const j = () => jump as LoopbackSshd;
    const b = () => board as LoopbackSshd;
    const line = (s: LoopbackSshd) => `[${s.host}]:${s.port} ${s.hostKey.publicLine}\n`;

    let n = 0;
    /** An inventory: pc-node1 (the jump sshd, control plane) and pc-node2 (the board) behind it by name. */
    async function inventory(knownHosts: string, extraVars = ''): Promise<{ file: string; inv: Inventory }> {
      const kh = join(work, `known_hosts.${++n}`);
      await writeFile(kh, knownHosts);
      const file = join(work, `inventory.${n}.yaml`);
      const text = [
        'all:',
        '  vars:',
        `    ansible_user: ${j().user}`,
        `    ansible_ssh_private_key_file: ${JSON.stringify(j().clientKey.path)}`,
        `    picocal_known_hosts: ${JSON.stringify(kh)}`,
        '    picocal:',
        '      cluster_name: trust',
        '      calico_version: "3.32.1"',
        '      kubernetes: { flavour: k3s }',
        '      pod_cidr: 10.42.0.0/16',
        '      service_cidr: 10.43.0.0/16',
        '  children:',
        '    control_plane:',
        '      hosts:',
        `        pc-node1: { ansible_host: ${j().host}, ansible_port: ${j().port} }`,
        '    workers:',
        '      hosts:',
        `        pc-node2: { ansible_host: ${b().host}, ansible_port: ${b().port}, picocal_jump_host: pc-node1 }`,
        '',
      ].join('\n');
      await writeFile(file, text);
      const inv = await loadInventory(file);
      if (!extraVars) return { file, inv };
      // What picocal's loader refuses, written straight into the file Ansible reads: the extra-vars
      // ssh arguments must still win.
      const raw = join(work, `inventory.${n}.raw.yaml`);
      await writeFile(raw, text.replace('  vars:\n', `  vars:\n${extraVars}`));
      return { file: raw, inv };
    }

    async function reach(file: string, inv: Inventory, host: string): Promise<string> {
      const tracker = new ProgressTracker([host]);
      const run = createRunFolder(work, 'trust');
      await runPlaybook({
        playbook: join(work, 'ping.yaml'),
        inventory: file,
        extraVars: {},
        targets: inv.hosts.map((h) => sshTargetFor(inv, h)),
        limit: [host],
        tracker,
        run,
        signal: new AbortController().signal,
      });
      return tracker.nodes.get(host)?.status ?? 'missing';
    }

    it('reaches a board through a jump host named by inventory name, both keys checked in picocal_known_hosts', async () => {
      const { file, inv } = await inventory(line(j()) + line(b()));
      expect(await reach(file, inv, 'pc-node2')).toBe('ok');
    }, 120_000);

    it('refuses the jump host when only ~/.ssh/known_hosts could know its key (it is not in picocal_known_hosts)', async () => {
      const { file, inv } = await inventory(line(b()));
      expect(await reach(file, inv, 'pc-node2')).toBe('unreachable');
    }, 120_000);

    it("refuses the board behind the jump when the board's key is unknown", async () => {
      const { file, inv } = await inventory(line(j()));
      expect(await reach(file, inv, 'pc-node2')).toBe('unreachable');
    }, 120_000);

    it('keeps checking when the inventory file sets ansible_ssh_args or ansible_ssh_common_args to turn checking off', async () => {
      const { file, inv } = await inventory(
        '',
        [
          '    ansible_ssh_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
          '    ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
          '    ansible_ssh_extra_args: -o StrictHostKeyChecking=no',
          '',
        ].join('\n'),
      );
      expect(await reach(file, inv, 'pc-node1')).toBe('unreachable');
    }, 120_000);

    it('does not reuse a control master opened with another known_hosts file', async () => {
      const good = await inventory(line(j()) + line(b()));
      expect(await reach(good.file, good.inv, 'pc-node1')).toBe('ok');
      // Within ControlPersist (60 s) of the first run; the second inventory trusts no key at all.
      const empty = await inventory('');
      expect(await reach(empty.file, empty.inv, 'pc-node1')).toBe('unreachable');
    }, 120_000);

    /** A run by hand: plain ansible-playbook with the project's ansible.cfg and group_vars, no picocal. */
    async function byHand(file: string, host: string): Promise<string> {
      const r = await execa('ansible-playbook', [join(work, 'ping.yaml'), '-i', file, '--limit', host], {
        cwd: work,
        reject: false,
        env: { ANSIBLE_CONFIG: join(INFRASTRUCTURE_DIR, 'ansible.cfg') },
      });
      const recap = new RegExp(`${host}\\s+: ok=(\\d+).*unreachable=(\\d+)`).exec(String(r.stdout));
      if (!recap) return `no recap: ${String(r.stdout)}`;
      return recap[2] !== '0' ? 'unreachable' : recap[1] !== '0' ? 'ok' : 'failed';
    }

    it('by hand, the playbook group_vars check the jump host in picocal_known_hosts too (named by inventory name)', async () => {
      const missingJump = await inventory(line(b()));
      expect(await byHand(missingJump.file, 'pc-node2')).toBe('unreachable');
      const both = await inventory(line(j()) + line(b()));
      expect(await byHand(both.file, 'pc-node2')).toBe('ok');
    }, 120_000);

    it('by hand, a control master opened with one known_hosts file is not reused with another', async () => {
      const good = await inventory(line(j()) + line(b()));
      expect(await byHand(good.file, 'pc-node1')).toBe('ok');
      const empty = await inventory('');
      expect(await byHand(empty.file, 'pc-node1')).toBe('unreachable');
    }, 120_000);
  },
);
