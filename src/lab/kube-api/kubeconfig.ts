// LAB ONLY. A kubeconfig for the lab's Kubernetes API stand-in (plain HTTP, no credentials: the
// stand-in listens only on the lab bridge or loopback).
import { dump } from 'js-yaml';

export function labKubeconfig(url: string, clusterName = 'picocal-lab'): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: url } }],
    users: [{ name: `${clusterName}-admin`, user: {} }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: `${clusterName}-admin` } }],
    'current-context': clusterName,
    preferences: {},
  });
}
