// The Calico version a cluster runs, as the operator reports it (Installation default,
// status.calicoVersion), read with kubectl on the control plane. One reader for the upgrade's checks and
// the bootstrap/reprovision version guard, so both decide from the same fact.
import type { ClusterShell } from './cluster-shell.js';
import { ClusterCommandError } from './errors.js';

export type RunningVersion =
  /** No Installation (or not even its CRD): Calico was never installed here. */
  | { state: 'absent' }
  /** An Installation without status.calicoVersion: the operator has not finished a rollout. */
  | { state: 'rolling' }
  | { state: 'running'; version: string };

interface InstallationDoc {
  status?: { calicoVersion?: string };
}

// kubectl's words for "no such object" and "no such resource type" (the CRDs are not there yet).
const ABSENT = /\(NotFound\)|doesn't have a resource type|could not find the requested resource/i;

export async function readRunningVersion(shell: ClusterShell): Promise<RunningVersion> {
  const args = ['get', 'installation', 'default', '-o', 'json'];
  const r = await shell.kubectlRaw(args);
  if (r.code !== 0) {
    if (ABSENT.test(r.stderr)) return { state: 'absent' };
    throw shell.kubectlError(args, r);
  }
  let doc: InstallationDoc;
  try {
    doc = JSON.parse(r.stdout) as InstallationDoc;
  } catch {
    throw new ClusterCommandError(`kubectl get installation default on ${shell.node} did not print JSON`, {
      node: shell.node,
    });
  }
  const version = doc.status?.calicoVersion;
  return version ? { state: 'running', version } : { state: 'rolling' };
}
