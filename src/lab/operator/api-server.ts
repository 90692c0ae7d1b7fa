// LAB ONLY: part of the Calico operator stand-in. What the operator does for `APIServer default`:
// the calico-apiserver Deployment and its Service `calico-api` (in calico-system from 3.31, in
// calico-apiserver before), and the APIService `v3.projectcalico.org` through which kube-aggregator
// serves `projectcalico.org/v3`. The API stand-in serves that group itself (kube-api/calico-v3-types)
// while the APIService is Available, which the stand-in reports once calico-node is ready, as pods
// of the real API server need pod networking. TigeraStatus `apiserver` turns Available in the same
// step, never before the group answers. Deleting the APIServer removes everything it owns (garbage
// collection), and with the APIService the group.
import { CALICO_APISERVICE, CALICO_V3_GROUP, CALICO_V3_VERSION } from '../kube-api/calico-v3-types.js';
import { calicoMinor, ensureTiers, operatorTier } from './calico-datastore.js';
import { nextConditions, statusConditions, type Condition, type Health } from './conditions.js';
import type { ObjectWriter } from './object-writer.js';

const DEPLOYMENT = 'calico-apiserver';
const SERVICE = 'calico-api';

export function apiServerNamespace(version: string): string {
  return calicoMinor(version) >= 31 ? 'calico-system' : 'calico-apiserver';
}

export class ApiServerStandIn {
  constructor(private readonly w: ObjectWriter) {}

  /** Health for TigeraStatus `apiserver`, or undefined when there is no `APIServer default`. */
  reconcile(registry: string, version: string, calicoReady: boolean): Health | undefined {
    const cr = this.w.get('operator.tigera.io', 'apiservers', undefined, 'default');
    if (!cr) return undefined;
    const ns = apiServerNamespace(version);
    if (!this.w.get('', 'namespaces', undefined, ns)) {
      this.w.upsert(this.w.type('', 'namespaces')!, { metadata: { name: ns, labels: { name: ns } } });
    }
    const owner = {
      apiVersion: 'operator.tigera.io/v1',
      kind: 'APIServer',
      name: 'default',
      uid: cr.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    const labels = { 'k8s-app': DEPLOYMENT, apiserver: 'true' };
    this.w.upsert(this.w.type('apps', 'deployments')!, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: DEPLOYMENT, namespace: ns, labels, ownerReferences: [owner] },
      spec: {
        replicas: 1,
        selector: { matchLabels: { apiserver: 'true' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: DEPLOYMENT,
            containers: [
              {
                name: DEPLOYMENT,
                image: `${registry}calico/apiserver:${version}`,
                args: ['--secure-port=5443'],
                readinessProbe: { httpGet: { path: '/readyz', port: 5443, scheme: 'HTTPS' } },
              },
            ],
          },
        },
      },
    });
    this.w.upsert(this.w.type('', 'services')!, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: SERVICE, namespace: ns, labels: { 'k8s-app': DEPLOYMENT }, ownerReferences: [owner] },
      spec: {
        selector: { apiserver: 'true' },
        ports: [{ name: 'apiserver', port: 443, protocol: 'TCP', targetPort: 5443 }],
      },
    });
    const apiServiceType = this.w.type('apiregistration.k8s.io', 'apiservices')!;
    const apiService = this.w.upsert(apiServiceType, {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: CALICO_APISERVICE, ownerReferences: [owner] },
      spec: {
        group: CALICO_V3_GROUP,
        version: CALICO_V3_VERSION,
        groupPriorityMinimum: 1500,
        versionPriority: 200,
        service: { name: SERVICE, namespace: ns, port: 443 },
      },
    });
    // kube-aggregator's availability check, worded as it words it.
    this.w.setStatus(apiServiceType, undefined, CALICO_APISERVICE, {
      conditions: nextConditions(
        apiService.status?.conditions as Condition[] | undefined,
        [
          {
            type: 'Available',
            ok: calicoReady,
            reason: calicoReady ? 'Passed' : 'MissingEndpoints',
            message: calicoReady
              ? 'all checks passed'
              : `endpoints for service/${SERVICE} in "${ns}" have no addresses with port name "apiserver"`,
          },
        ],
        undefined,
      ),
    });

    if (calicoReady) ensureTiers(this.w, [operatorTier(version)]);
    const health: Health = calicoReady
      ? { available: true, progressing: false, degraded: false, message: '' }
      : {
          available: false,
          progressing: true,
          degraded: false,
          message: `Deployment "${ns}/${DEPLOYMENT}" is not available: waiting for calico-node to be ready`,
        };
    const crType = this.w.type('operator.tigera.io', 'apiservers');
    if (crType) {
      this.w.setStatus(crType, undefined, 'default', {
        ...(calicoReady ? { state: 'Ready' } : {}),
        conditions: statusConditions(cr.status?.conditions, health, cr.metadata.generation),
      });
    }
    return health;
  }
}
