// Before bootstrap or reprovision changes anything: the Calico version the cluster runs must be the
// inventory's calico_version (or none yet). The decision is src/provision/version-guard.ts; the version is
// read as the upgrade reads it (src/cluster/running-version.ts). Read-only: a dry run evaluates it too.
import { EXIT, InputError, PicocalError } from '../../errors.js';
import type { Phase } from '../../core/phase.js';
import { readRunningVersion } from '../../cluster/running-version.js';
import { guardProvisionVersion, locateCalicoVersion } from '../version-guard.js';
import type { ProvisionContext } from '../context.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function versionGuardPhase(kind: 'bootstrap' | 'reprovision'): Phase<ProvisionContext> {
  return {
    title: 'Check the running Calico version against calico_version',
    run: (ctx) =>
      ctx.changes.check(async () => {
        const target = ctx.shell.node;
        try {
          const note = guardProvisionVersion({
            kind,
            wanted: ctx.inventory.cluster.calico_version,
            running: await readRunningVersion(ctx.shell),
            inventoryFile: ctx.inventory.file,
            location: locateCalicoVersion(ctx.inventory.file),
          });
          return {
            entries: [{ target, action: `version: ${note.line}`, verdict: 'PASS' }],
            passed: () => {
              const line = `[${target}] ${note.line}`;
              if (note.warn) ctx.out.warn(line);
              else ctx.out.detail(line);
            },
          };
        } catch (err) {
          const hint = err instanceof InputError ? err.problems[0]?.hint : undefined;
          return {
            entries: [
              {
                target,
                action: `version: ${message(err)}${hint ? ` (${hint})` : ''}`,
                verdict: err instanceof InputError ? 'WOULD BE REFUSED' : 'WOULD FAIL',
                exitCode: err instanceof PicocalError ? err.exitCode : EXIT.failed,
              },
            ],
            error: err,
          };
        }
      }),
  };
}
