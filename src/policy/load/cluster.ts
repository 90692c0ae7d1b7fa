// Build the cluster model from Namespaces, Pods, ServiceAccounts and network sets as
// `kubectl get ns,pods -A -o yaml` (and calicoctl) print them.
import type {
  Cluster,
  NamedPort,
  NamespaceInfo,
  NetworkSetInfo,
  Pod,
  ServiceAccountInfo,
} from '../model/cluster.js';
import { parseCidr, parseIp, type Cidr, POLICY_SYNTAX } from '../../net/ip.js';
import { protocolNumber } from '../net/protocol.js';
import { isRecord, metadataOf, nameOf, readLabels, type Problems } from './problems.js';
import type { LoadedObject } from './read-objects.js';

export function namespaceInfo(
  name: string,
  labels: Record<string, string>,
  obj?: LoadedObject,
): NamespaceInfo {
  const k8s = { ...labels, 'kubernetes.io/metadata.name': name };
  return {
    name,
    labels: k8s,
    calicoLabels: { ...k8s, 'projectcalico.org/name': name },
    ...(obj ? { location: obj.location } : {}),
  };
}

function podPorts(obj: LoadedObject, spec: Record<string, unknown>, problems: Problems): NamedPort[] {
  const out: NamedPort[] = [];
  for (const group of ['initContainers', 'containers'] as const) {
    const containers = spec[group];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: unknown, ci) => {
      if (!isRecord(c) || !Array.isArray(c['ports'])) return;
      c['ports'].forEach((p: unknown, pi) => {
        if (!isRecord(p)) return;
        const path = ['spec', group, ci, 'ports', pi];
        const port = p['containerPort'];
        const protocol = protocolNumber(p['protocol'] ?? 'TCP');
        if (typeof port !== 'number' || protocol === undefined) {
          problems.add(obj, path, 'a container port needs a numeric containerPort and TCP, UDP or SCTP');
          return;
        }
        if (typeof p['name'] === 'string') out.push({ name: p['name'], port, protocol });
      });
    });
  }
  return out;
}

function podIp(obj: LoadedObject, status: Record<string, unknown>, problems: Problems) {
  const text = typeof status['podIP'] === 'string' ? status['podIP'] : undefined;
  if (text === undefined) return undefined;
  const ip = parseIp(text, POLICY_SYNTAX);
  if (!ip) problems.add(obj, ['status', 'podIP'], `'${text}' is not an IP address`);
  return ip;
}

function nets(obj: LoadedObject, value: unknown, problems: Problems): Cidr[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(obj, ['spec', 'nets'], 'nets must be a list of CIDRs');
    return [];
  }
  return value.flatMap((n: unknown, i) => {
    const c = typeof n === 'string' ? parseCidr(n, POLICY_SYNTAX) : undefined;
    if (!c) problems.add(obj, ['spec', 'nets', i], `'${String(n)}' is not a CIDR`, 'write e.g. 10.0.0.0/8');
    return c ? [c] : [];
  });
}

export function buildCluster(objects: readonly LoadedObject[], problems: Problems): Cluster {
  const namespaces = new Map<string, NamespaceInfo>();
  const pods: Pod[] = [];
  const serviceAccounts = new Map<string, ServiceAccountInfo>();
  const networkSets: NetworkSetInfo[] = [];
  const podObjects: LoadedObject[] = [];

  for (const obj of objects) {
    const meta = metadataOf(obj);
    switch (obj.kind) {
      case 'Namespace': {
        const name = nameOf(obj, problems);
        namespaces.set(
          name,
          namespaceInfo(name, readLabels(obj, ['metadata', 'labels'], meta['labels'], problems), obj),
        );
        break;
      }
      case 'Pod':
        podObjects.push(obj);
        break;
      case 'ServiceAccount': {
        const name = nameOf(obj, problems);
        const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default';
        serviceAccounts.set(`${namespace}/${name}`, {
          name,
          namespace,
          labels: readLabels(obj, ['metadata', 'labels'], meta['labels'], problems),
          location: obj.location,
        });
        break;
      }
      case 'NetworkSet':
      case 'GlobalNetworkSet': {
        const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
        networkSets.push({
          name: nameOf(obj, problems),
          namespace:
            obj.kind === 'NetworkSet'
              ? typeof meta['namespace'] === 'string'
                ? meta['namespace']
                : 'default'
              : undefined,
          labels: readLabels(obj, ['metadata', 'labels'], meta['labels'], problems),
          nets: nets(obj, spec['nets'], problems),
          location: obj.location,
        });
        break;
      }
    }
  }

  for (const obj of podObjects) {
    const meta = metadataOf(obj);
    const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
    const status = isRecord(obj.value['status']) ? obj.value['status'] : {};
    // Host-networked pods share the node's address: Calico workload policy does not apply to them.
    if (spec['hostNetwork'] === true) {
      problems.notes.push(
        `${obj.location.file}:${obj.location.line}: pod ${String(meta['name'])} uses the host network: skipped`,
      );
      continue;
    }
    const name = nameOf(obj, problems);
    const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default';
    if (!namespaces.has(namespace)) namespaces.set(namespace, namespaceInfo(namespace, {}));
    const labels = readLabels(obj, ['metadata', 'labels'], meta['labels'], problems);
    const serviceAccount =
      typeof spec['serviceAccountName'] === 'string'
        ? spec['serviceAccountName']
        : typeof spec['serviceAccount'] === 'string'
          ? spec['serviceAccount']
          : 'default';
    pods.push({
      id: pods.length,
      name,
      namespace,
      labels,
      calicoLabels: {
        ...labels,
        'projectcalico.org/namespace': namespace,
        'projectcalico.org/orchestrator': 'k8s',
        'projectcalico.org/serviceaccount': serviceAccount,
      },
      serviceAccount,
      ip: podIp(obj, status, problems),
      ports: podPorts(obj, spec, problems),
      location: obj.location,
    });
  }
  return { namespaces, pods, serviceAccounts, networkSets };
}
