// `picocal doctor [-i INV]`: the machine picocal runs on and, with an inventory, every board's SSH, in one
// table with a fix per problem. Exit 0 when nothing failed (warnings may be listed), 1 when a check failed.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EXIT, InputError, PicocalError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import {
  artifactsCheck,
  boardChecks,
  knownHostsChecks,
  machineChecks,
  type DoctorCheck,
} from '../../observe/doctor/doctor.js';
import { table } from '../../core/table.js';
import type { Command } from '../command.js';
import { requireInventory } from '../inventory-option.js';
import { ARTIFACTS_OPTION, namedSource } from '../release-source-option.js';

async function inventoryCheck(
  file: string | undefined,
  load: () => Promise<Inventory>,
): Promise<{ check: DoctorCheck; inventory?: Inventory }> {
  if (!file)
    return {
      check: {
        check: 'inventory',
        status: 'skip',
        detail: 'none given: boards not checked',
        fix: 'pass -i FILE (or set PICOCAL_INVENTORY) to check every board too',
      },
    };
  try {
    const inventory = await load();
    return {
      inventory,
      check: {
        check: 'inventory',
        status: 'ok',
        detail: `${inventory.file}: ${inventory.hosts.length} board(s), Calico ${inventory.cluster.calico_version}`,
        fix: '',
      },
    };
  } catch (err) {
    if (!(err instanceof PicocalError)) throw err;
    const first = err instanceof InputError ? err.problems[0] : undefined;
    return {
      check: {
        check: 'inventory',
        status: 'fail',
        detail: `${err.message}${first ? `: ${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.message}` : ''}`,
        fix: first?.hint ?? err.hint ?? `run picocal render -i ${file} to see every problem`,
      },
    };
  }
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'check this machine (Node, Ansible, ssh, kubectl, known_hosts, artifacts) and, with -i, every board',
  description:
    'One row per check: ok, warn, fail or skip, what was found, and the fix. Changes nothing: programs\n' +
    'are asked for their version, files are read, and with -i each board gets an SSH login with strict\n' +
    'host-key checking (no key is recorded) running `true`.\n' +
    'Exit codes: 0 nothing failed (warnings may be listed), 1 a check failed, 2 bad usage.',
  options: { artifacts: ARTIFACTS_OPTION },
  examples: ['picocal doctor', 'picocal doctor -i inventory/picocluster.yaml'],
  async run(ctx) {
    const file = ctx.global.inventory ?? process.env['PICOCAL_INVENTORY'];
    const [machine, inv] = await Promise.all([
      machineChecks(),
      inventoryCheck(file, () => requireInventory(ctx)),
    ]);
    const checks: DoctorCheck[] = [...machine, inv.check];
    const inventory = inv.inventory;
    const knownHosts = inventory
      ? [...new Set(inventory.hosts.map((h) => h.ssh.knownHosts))]
      : [join(homedir(), '.ssh', 'known_hosts')];
    checks.push(
      ...knownHostsChecks(knownHosts).map((c) =>
        // Without an inventory the default file is only where boards would be recorded.
        !inventory && c.status === 'fail' ? { ...c, status: 'warn' as const } : c,
      ),
    );
    checks.push(
      await artifactsCheck(
        namedSource(ctx, inventory, { download: false }),
        inventory?.cluster.calico_version,
      ),
    );
    if (inventory) checks.push(...(await boardChecks(inventory)));
    const failed = checks.filter((c) => c.status === 'fail');
    ctx.out.json({ ok: failed.length === 0, checks });
    for (const line of table(
      ['check', 'status', 'detail', 'fix'],
      checks.map((c) => [c.check, c.status.toUpperCase(), c.detail, c.fix]),
    ))
      ctx.out.print(line);
    ctx.out.info(
      failed.length
        ? `${failed.length} check(s) failed: ${failed.map((c) => c.check).join(', ')}`
        : 'nothing failed',
    );
    return failed.length ? EXIT.failed : EXIT.ok;
  },
};
