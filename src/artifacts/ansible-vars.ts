// The variables that tell the Ansible roles which release files to install and their sha256: always the
// files picocal itself resolved and checked, so the roles' own checks hold them to exactly those bytes
// (extra vars win over the rendered group_vars, whose pins are the catalog's).
import type { ArtifactSet } from './artifacts.js';
import { stageCalicoctl, type CalicoctlSet } from './calicoctl.js';

export async function releaseFileVars(
  artifacts: ArtifactSet | undefined,
  calicoctl: CalicoctlSet | undefined,
  stageDir: string,
): Promise<Record<string, unknown>> {
  const staged = calicoctl ? await stageCalicoctl(calicoctl, stageDir) : undefined;
  return {
    ...(artifacts
      ? {
          calico_operator_artifacts_dir: artifacts.dir,
          calico_manifest_sha256: Object.fromEntries(artifacts.files.map((f) => [f.name, f.sha256])),
        }
      : {}),
    // Without a staged file the folder is empty: the role says why calicoctl is not installed.
    calico_node_prep_calicoctl_dir: staged?.dir ?? stageDir,
    calico_calicoctl_sha256: staged?.sha256 ?? { arm64: null, amd64: null },
  };
}
