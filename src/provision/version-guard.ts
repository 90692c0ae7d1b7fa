// bootstrap and reprovision install one Calico version everywhere at once; only `picocal upgrade` changes
// the version of a running cluster (rolling, gated, with a snapshot to roll back to). So before they change
// anything they compare the inventory's calico_version with what the cluster runs: a first install or the
// same version goes on, an older one would be a silent downgrade and a newer one an ungated upgrade.
import { readFileSync } from 'node:fs';
import { compareVersions, normalizeVersion } from '../catalog/versions.js';
import { InputError, type SourceLocation } from '../errors.js';
import type { RunningVersion } from '../cluster/running-version.js';
import { parseYamlDocuments } from '../yaml/source-map.js';

export const CALICO_VERSION_FIELD = 'all.vars.picocal.calico_version';

/** Where calico_version is in the inventory file, for a refusal's file:line (best effort). */
export function locateCalicoVersion(file: string): SourceLocation | undefined {
  try {
    const doc = parseYamlDocuments(readFileSync(file, 'utf8'), file)[0];
    return doc?.locate(CALICO_VERSION_FIELD.split('.'));
  } catch {
    return undefined;
  }
}

export interface GuardInput {
  kind: 'bootstrap' | 'reprovision';
  /** calico_version from the inventory. */
  wanted: string;
  running: RunningVersion;
  inventoryFile: string;
  location?: SourceLocation | undefined;
}

/** What the guard found when it lets the run go on: a line for the log, and whether it is a warning. */
export interface GuardNote {
  line: string;
  warn: boolean;
}

export function guardProvisionVersion(input: GuardInput): GuardNote {
  const wanted = normalizeVersion(input.wanted);
  const r = input.running;
  if (r.state === 'absent') return { line: `Calico is not installed yet: installing ${wanted}`, warn: false };
  if (r.state === 'rolling') {
    // An earlier install that did not finish looks like this too: refusing would leave no way to finish it.
    return {
      line: `the cluster reports no Calico version yet (a rollout under way, or an install that did not finish): going on with calico_version ${wanted}`,
      warn: true,
    };
  }
  const running = normalizeVersion(r.version);
  const order = compareVersions(wanted, running);
  if (order === 0) return { line: `the cluster runs Calico ${running}, as calico_version says`, warn: false };
  const inv = input.inventoryFile;
  const older = order < 0;
  throw new InputError(
    older
      ? `refusing to ${input.kind}: calico_version ${wanted} is older than the Calico ${running} the cluster runs`
      : `refusing to ${input.kind}: calico_version ${wanted} is newer than the Calico ${running} the cluster runs`,
    [
      {
        ...(input.location ? { location: input.location } : {}),
        field: CALICO_VERSION_FIELD,
        message: older
          ? `${input.kind} would downgrade Calico from ${running} to ${wanted} on a running cluster`
          : `${input.kind} would change Calico from ${running} to ${wanted} on every board at once, without the upgrade's health gate and rollback`,
        hint: older
          ? `set calico_version: "${running}" in ${inv}, or downgrade on purpose: picocal upgrade -i ${inv} --allow-downgrade (it goes to calico_version)`
          : `upgrade with picocal upgrade -i ${inv} (to calico_version ${wanted}: rolling, gated, rolled back on failure), or set calico_version: "${running}" in ${inv}`,
      },
    ],
  );
}
