// Whether a lint run had Calico's schemas, said the same way in text, JSON and SARIF. Without them the
// lint still runs every other rule: someone linting offline gets those findings, and is told what was
// not checked and how to get the schemas, rather than a failed run.
import { ArtifactError } from '../../artifacts/artifacts.js';
import { latestRelease, normalizeVersion } from '../../catalog/versions.js';
import { loadCalicoSchemas, type CalicoSchemaOptions, type CalicoSchemas } from './calico-schemas.js';

export type CalicoSchemaStatus =
  | { checked: true; calicoVersion: string; source: string; sha256: string; verified: boolean }
  | { checked: false; calicoVersion: string; reason: string; hint: string };

export interface LoadedCalicoSchemas {
  schemas: CalicoSchemas | undefined;
  status: CalicoSchemaStatus;
}

/**
 * The schemas when the manifest can be had; otherwise why not. Errors that are the user's to fix now (an
 * unknown version, a manifest whose sha256 is not the release's) are thrown, not reported as a status.
 */
export async function calicoSchemasForLint(opts: CalicoSchemaOptions = {}): Promise<LoadedCalicoSchemas> {
  try {
    const schemas = await loadCalicoSchemas(opts);
    return {
      schemas,
      status: {
        checked: true,
        calicoVersion: schemas.version,
        source: schemas.source,
        sha256: schemas.sha256,
        verified: schemas.verified,
      },
    };
  } catch (err) {
    if (!(err instanceof ArtifactError)) throw err;
    return {
      schemas: undefined,
      status: {
        checked: false,
        calicoVersion: opts.version ? normalizeVersion(opts.version) : latestRelease().version,
        reason: err.message,
        hint: err.hint ?? 'pass --artifacts DIR with the release files',
      },
    };
  }
}

/** What a run without the schemas did not check, for the notice and SARIF. */
export function uncheckedNotice(status: CalicoSchemaStatus): string | undefined {
  if (status.checked) return undefined;
  return (
    `Calico ${status.calicoVersion} CRD schemas not available: ${status.reason}. Not checked: ` +
    'projectcalico.org/v3 objects against their schema, Kubernetes NetworkPolicy for unknown fields; ' +
    'every other rule ran'
  );
}
