// The Kubernetes version the cluster runs, as its API server reports it: `kubectl get --raw /version` on the
// control plane (the API server's version endpoint, https://kubernetes.io/docs/reference/using-api/#api-versioning
// and k8s.io/apimachinery/pkg/version.Info: gitVersion "v1.31.4+k3s1" on k3s). One read, before bootstrap or
// upgrade change anything; the decision is src/catalog/kubernetes-support.ts.
import type { ClusterShell } from './cluster-shell.js';
import { ClusterCommandError } from './errors.js';

interface VersionInfo {
  gitVersion?: string;
}

export async function readKubernetesVersion(shell: ClusterShell): Promise<string> {
  const text = await shell.kubectl(['get', '--raw', '/version']);
  let info: VersionInfo;
  try {
    info = JSON.parse(text) as VersionInfo;
  } catch {
    throw new ClusterCommandError(`kubectl get --raw /version on ${shell.node} did not print JSON`, {
      node: shell.node,
    });
  }
  if (typeof info.gitVersion !== 'string' || !info.gitVersion)
    throw new ClusterCommandError(`the API server on ${shell.node} reports no gitVersion at /version`, {
      node: shell.node,
    });
  return info.gitVersion;
}
