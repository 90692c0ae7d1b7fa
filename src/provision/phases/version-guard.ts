// Before bootstrap or reprovision changes anything: the Calico version the cluster runs must be the
// inventory's calico_version (or none yet). The decision is src/provision/version-guard.ts; the version is
// read as the upgrade reads it (src/cluster/running-version.ts).
import { readFileSync } from 'node:fs';
import { parseYamlDocuments } from '../../yaml/source-map.js';
import type { SourceLocation } from '../../errors.js';
import type { ClusterShell } from '../../cluster/cluster-shell.js';
import { readRunningVersion } from '../../cluster/running-version.js';
import { CALICO_VERSION_FIELD, guardProvisionVersion } from '../version-guard.js';
import type { ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

/** Where calico_version is in the inventory file, for the refusal's file:line (best effort). */
function locateVersion(file: string): SourceLocation | undefined {
  try {
    const doc = parseYamlDocuments(readFileSync(file, 'utf8'), file)[0];
    return doc?.locate(CALICO_VERSION_FIELD.split('.'));
  } catch {
    return undefined;
  }
}

export function versionGuardPhase(
  shell: ClusterShell,
  kind: 'bootstrap' | 'reprovision',
): Phase<ProvisionContext> {
  return {
    title: 'Check the running Calico version against calico_version',
    plan: (ctx) => [
      {
        target: ctx.inventory.controlPlane.name,
        action: `check: the cluster runs Calico ${ctx.inventory.cluster.calico_version} or none yet (another running version is refused: that is picocal upgrade's job)`,
      },
    ],
    async run(ctx) {
      const note = guardProvisionVersion({
        kind,
        wanted: ctx.inventory.cluster.calico_version,
        running: await readRunningVersion(shell),
        inventoryFile: ctx.inventory.file,
        location: locateVersion(ctx.inventory.file),
      });
      const line = `[${shell.node}] ${note.line}`;
      if (note.warn) ctx.out.warn(line);
      else ctx.out.detail(line);
    },
  };
}
