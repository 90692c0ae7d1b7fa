// The one seam through which Ansible learns which release files to trust: the sha256 of the files picocal
// itself resolved and checked (the catalog's pins for a real release; the files the user or the lab
// supplied otherwise), passed as the roles' normal pin variables. The roles re-check every file against
// these, so a file altered between picocal's check and Ansible's copy is refused; they have no lab switch.
import type { ArtifactSet } from '../artifacts/artifacts.js';
import { CALICOCTL_ARCHES, type CalicoctlSet } from '../artifacts/calicoctl.js';

export function releasePinVars(artifacts?: ArtifactSet, calicoctl?: CalicoctlSet): Record<string, unknown> {
  return {
    ...(artifacts
      ? { calico_manifest_sha256: Object.fromEntries(artifacts.files.map((f) => [f.name, f.sha256])) }
      : {}),
    ...(calicoctl
      ? {
          calico_calicoctl_sha256: Object.fromEntries(
            CALICOCTL_ARCHES.map((a) => [a, calicoctl.files.find((f) => f.arch === a)?.sha256 ?? null]),
          ),
        }
      : {}),
  };
}
