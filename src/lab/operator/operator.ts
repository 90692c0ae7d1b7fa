// LAB ONLY: the Calico operator stand-in of picocal's virtual PicoCluster. It runs inside the lab's
// API server process and follows the documented behaviour of tigera-operator, not its code: once the
// tigera-operator Deployment (whose image names the Calico release) and Installation `default` exist,
// it creates namespace calico-system, DaemonSet calico-node and one pod per lab node, starts a
// calico-node stand-in process inside each node, mirrors each stand-in's readiness into its pod's
// Ready condition, rolls pods node by node when the operator image changes (honouring
// Installation.spec.nodeUpdateStrategy.rollingUpdate.maxUnavailable, default 1), and reports through
// TigeraStatus objects and Installation.status (calicoVersion once the rollout is complete). For
// `APIServer default` it brings up projectcalico.org/v3 (api-server.ts); FelixConfiguration `default`
// (either group) switches Felix metrics on 9091 in the calico-node stand-ins.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { readLabState, type LabNodeState, type LabState } from '../lab-state.js';
import { entryArgv } from '../kube-api/entry-argv.js';
import { rk, type KubeApi } from '../kube-api/kube-api.js';
import type { KubeObject } from '../kube-api/object-store.js';
import type { ResourceType } from '../kube-api/resource-types.js';
import {
  CALICO_NODE_DIR,
  configFile,
  logFile,
  statusFile,
  type NodeConfig,
  type NodeStatus,
} from '../calico-node/status-file.js';
import { CALICO_V3_TYPES } from '../kube-api/calico-v3-types.js';
import { ApiServerStandIn } from './api-server.js';
import { seedDatastore } from './calico-datastore.js';
import { statusConditions, nextConditions, type Condition, type Health } from './conditions.js';
import { ObjectWriter, type Obj } from './object-writer.js';
import { netnsLauncher, type NodeLauncher } from './node-process.js';
import { versionsOf } from './versions.js';
import { boardPull, calicoNodeImages, hasImage, putImage } from '../image-store.js';

export const CALICO_NAMESPACE = 'calico-system';
const MANAGER = 'tigera-operator';
const STATUS_STALE_MS = 3000;
const RESTART_BACKOFF_MS = 5000;
const WATCHED = new Set([
  'apps/deployments',
  'operator.tigera.io/installations',
  'operator.tigera.io/apiservers',
  'operator.tigera.io/goldmanes',
  'operator.tigera.io/whiskers',
  'crd.projectcalico.org/felixconfigurations',
  'apiextensions.k8s.io/customresourcedefinitions',
]);

export interface OperatorOptions {
  launcher?: NodeLauncher;
  /** A pod not Ready for this long makes TigeraStatus calico Degraded. */
  degradedAfterMs?: number;
  tickMs?: number;
  /** See OPERATOR_DELAYS: how long the operator pod takes to start, then to create what it reports. */
  delays?: Partial<OperatorDelays>;
}

/**
 * What a real install makes a client wait for (LAB ONLY: the stand-in makes the same waits, so a client
 * that assumes objects exist at once fails here as on a board). The tigera-operator pod must pull its image
 * and start before it reconciles anything; its status manager creates each TigeraStatus only when the
 * controller for that component first runs (tigera/operator pkg/controller/status/status.go, `OnCRFound`),
 * and the calico-node pods appear when the DaemonSet controller acts on the DaemonSet the operator made.
 * Calico's own install docs therefore say to `watch kubectl get tigerastatus` until the rows appear and turn
 * Available (https://docs.tigera.io/calico/latest/getting-started/kubernetes/k3s/quickstart). The defaults
 * are estimates for a Pi on a home link, not a measurement; environment variables set them (milliseconds).
 */
export interface OperatorDelays {
  /** From the tigera-operator Deployment appearing to the operator's first reconcile (image pull, start). */
  operatorStartMs: number;
  /** From the operator's start to TigeraStatus calico; apiserver, goldmane and whisker follow as long again. */
  tigeraStatusMs: number;
  /** From the operator's start to the calico-node pods (the DaemonSet controller). */
  podsMs: number;
}

export function operatorDelaysFromEnv(env: NodeJS.ProcessEnv = process.env): OperatorDelays {
  const ms = (name: string, fallback: number): number => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return {
    operatorStartMs: ms('PICOCAL_LAB_OPERATOR_START_MS', 6_000),
    tigeraStatusMs: ms('PICOCAL_LAB_TIGERASTATUS_DELAY_MS', 3_000),
    podsMs: ms('PICOCAL_LAB_CALICO_NODE_POD_DELAY_MS', 2_000),
  };
}

interface Running {
  pod: string;
  version: string;
  pid: number | undefined;
  startedAt: number;
}

function podSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

function maxUnavailable(inst: Obj | undefined, nodes: number): number {
  const v = inst?.spec?.nodeUpdateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  if (typeof v === 'string' && v.endsWith('%'))
    return Math.max(1, Math.floor((Number(v.slice(0, -1)) * nodes) / 100));
  return Math.max(1, Number(v) || 1);
}

export class OperatorStandIn {
  /** The Calico API server became available once (see reconcile). */
  private apiServerWasUp = false;
  private readonly running = new Map<string, Running>();
  private readonly lastStart = new Map<string, number>();
  private readonly notReadySince = new Map<string, number>();
  /** The kubelet's image pulls under way, by board and Calico version: when each ends. */
  private readonly pulls = new Map<string, number>();
  private readonly restarts = new Map<string, number>();
  private readonly launcher: NodeLauncher;
  private readonly degradedAfterMs: number;
  private readonly delays: OperatorDelays;
  /** When each tigera-operator Deployment (by uid) was first seen. */
  private readonly operatorSeen = new Map<string, number>();
  /** When the current operator started reconciling (0: not yet). */
  private operatorUpAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private soon: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly writer: ObjectWriter;
  private readonly apiServer: ApiServerStandIn;

  constructor(
    private readonly api: KubeApi,
    private readonly dir: string,
    opts: OperatorOptions = {},
  ) {
    this.writer = new ObjectWriter(api, MANAGER);
    this.apiServer = new ApiServerStandIn(this.writer);
    this.launcher = opts.launcher ?? netnsLauncher;
    this.degradedAfterMs =
      opts.degradedAfterMs ?? Number(process.env.PICOCAL_LAB_DEGRADED_AFTER_MS ?? 30_000);
    this.delays = { ...operatorDelaysFromEnv(), ...(opts.delays ?? {}) };
    mkdirSync(join(dir, CALICO_NODE_DIR), { recursive: true });
    this.killLeftovers();
    this.timer = setInterval(() => this.tick(), opts.tickMs ?? 500);
    // React to the objects the real operator watches without waiting for the next tick.
    this.unsubscribe = api.store.subscribe((e) => {
      if (!WATCHED.has(e.resource) || this.soon) return;
      this.soon = setTimeout(() => {
        this.soon = undefined;
        this.tick();
      }, 20);
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.unsubscribe();
    for (const [node, r] of this.running) {
      if (r.pid) this.launcher.stop(r.pid);
      rmSync(join(this.dir, CALICO_NODE_DIR, `${node}.pid`), { force: true });
    }
    this.running.clear();
  }

  /** Stand-ins a previous server process started (it died or was restarted) are stopped and restarted. */
  private killLeftovers(): void {
    const d = join(this.dir, CALICO_NODE_DIR);
    for (const f of readdirSync(d).filter((x) => x.endsWith('.pid'))) {
      const pid = Number(readFileSync(join(d, f), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) this.launcher.stop(pid);
      rmSync(join(d, f), { force: true });
    }
  }

  tick(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      const lab = readLabState(this.dir);
      if (lab) this.reconcile(lab);
    } catch (e) {
      console.error(`operator stand-in: ${(e as Error).stack ?? String(e)}`);
    } finally {
      this.busy = false;
    }
  }

  private type(group: string, plural: string): ResourceType | undefined {
    return this.writer.type(group, plural);
  }

  private get(group: string, plural: string, ns: string | undefined, name: string): Obj | undefined {
    return this.writer.get(group, plural, ns, name);
  }

  private upsert(t: ResourceType, obj: Obj): Obj {
    return this.writer.upsert(t, obj);
  }

  private setStatus(t: ResourceType, ns: string | undefined, name: string, status: unknown): void {
    this.writer.setStatus(t, ns, name, status);
  }

  private reconcile(lab: LabState): void {
    this.markDeploymentsAvailable();
    const deploy = this.get('apps', 'deployments', 'tigera-operator', 'tigera-operator');
    const inst = this.get('operator.tigera.io', 'installations', undefined, 'default');
    const instType = this.type('operator.tigera.io', 'installations');
    if (!deploy || !inst || !instType) return;
    const { calico: version } = versionsOf(deploy as KubeObject);
    if (!version) return;
    const uid = String(deploy.metadata.uid ?? deploy.metadata.name);
    if (!this.operatorSeen.has(uid)) this.operatorSeen.set(uid, Date.now());
    const upAt = this.operatorSeen.get(uid)! + this.delays.operatorStartMs;
    if (Date.now() < upAt) return; // the operator pod is still pulling its image and starting
    if (this.operatorUpAt === 0) this.operatorUpAt = upAt;

    const nsType = this.type('', 'namespaces')!;
    if (!this.get('', 'namespaces', undefined, CALICO_NAMESPACE)) {
      this.upsert(nsType, {
        metadata: {
          name: CALICO_NAMESPACE,
          labels: { name: CALICO_NAMESPACE, 'pod-security.kubernetes.io/enforce': 'privileged' },
        },
      });
    }
    const registry = String(inst.spec?.registry ?? 'quay.io/').replace(/\/?$/, '/');
    const image = `${registry}calico/node:${version}`;
    const ds = this.ensureDaemonSet(inst, image);
    this.writeNodeConfigs(lab, inst);
    // The DaemonSet controller has not created the calico-node pods yet.
    if (Date.now() < this.operatorUpAt + this.delays.podsMs) return;
    const pods = this.rollPods(lab, inst, ds, image, version);
    this.reportStatus(lab, inst, instType, ds, pods, version);
  }

  private markDeploymentsAvailable(): void {
    const t = this.type('apps', 'deployments')!;
    for (const d of this.api.store.list(rk(t)) as Obj[]) {
      const n = d.spec?.replicas ?? 1;
      const prev = d.status?.conditions as Condition[] | undefined;
      const status = {
        observedGeneration: d.metadata.generation,
        replicas: n,
        updatedReplicas: n,
        readyReplicas: n,
        availableReplicas: n,
        conditions: nextConditions(
          prev?.map(({ observedGeneration: _o, ...c }) => c as Condition),
          [
            {
              type: 'Available',
              ok: true,
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            },
            {
              type: 'Progressing',
              ok: true,
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${d.metadata.name}" has successfully progressed. (lab stand-in: no pods are run for Deployments)`,
            },
          ],
          undefined,
        ),
      };
      this.setStatus(t, d.metadata.namespace, d.metadata.name, status);
    }
  }

  private ensureDaemonSet(inst: Obj, image: string): Obj {
    const t = this.type('apps', 'daemonsets')!;
    const mu = inst.spec?.nodeUpdateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
    return this.upsert(t, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'calico-node',
        namespace: CALICO_NAMESPACE,
        labels: { 'k8s-app': 'calico-node' },
        annotations: { 'lab.picocal.dev/stand-in': 'created by the lab-only Calico operator stand-in' },
        ownerReferences: [
          {
            apiVersion: 'operator.tigera.io/v1',
            kind: 'Installation',
            name: 'default',
            uid: inst.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'calico-node' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: mu, maxSurge: 0 } },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-node', 'app.kubernetes.io/name': 'calico-node' } },
          spec: {
            hostNetwork: true,
            serviceAccountName: 'calico-node',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [
              { operator: 'Exists', effect: 'NoSchedule' },
              { operator: 'Exists', effect: 'NoExecute' },
            ],
            containers: [
              {
                name: 'calico-node',
                image,
                livenessProbe: {
                  httpGet: { host: 'localhost', path: '/liveness', port: 9099 },
                  periodSeconds: 60,
                },
                readinessProbe: {
                  exec: { command: ['/bin/calico-node', '-felix-ready'] },
                  periodSeconds: 30,
                },
                env: [{ name: 'FELIX_HEALTHENABLED', value: 'true' }],
              },
            ],
          },
        },
      },
    });
  }

  private writeNodeConfigs(lab: LabState, inst: Obj): void {
    // One object whether written as projectcalico.org/v3 (Calico API server) or crd.projectcalico.org/v1.
    const felix = this.get('crd.projectcalico.org', 'felixconfigurations', undefined, 'default')?.spec;
    const port =
      inst.spec?.nodeMetricsPort ??
      (felix?.prometheusMetricsEnabled ? (felix.prometheusMetricsPort ?? 9091) : null);
    const cfg: NodeConfig = {
      metricsPort: port === null || port === undefined ? null : Number(port),
      encapsulation: String(inst.spec?.calicoNetwork?.ipPools?.[0]?.encapsulation ?? 'None'),
      clusterNumHosts: lab.nodes.length,
    };
    const text = JSON.stringify(cfg);
    for (const n of lab.nodes) {
      const f = configFile(this.dir, n.name);
      let old = '';
      try {
        old = readFileSync(f, 'utf8');
      } catch {
        // first write
      }
      if (old !== text) writeFileSync(f, text);
    }
  }

  private status(node: string): NodeStatus | undefined {
    try {
      return JSON.parse(readFileSync(statusFile(this.dir, node), 'utf8')) as NodeStatus;
    } catch {
      return undefined;
    }
  }

  private isReady(n: LabNodeState, pod: Obj | undefined): boolean {
    if (!pod || n.state !== 'running') return false;
    const s = this.status(n.name);
    return !!s && s.pod === pod.metadata.name && s.ready && Date.now() - s.at < STATUS_STALE_MS;
  }

  private startStandIn(n: LabNodeState, pod: string, version: string): void {
    const prev = this.running.get(n.name);
    if (prev?.pid) this.launcher.stop(prev.pid);
    const argv = entryArgv('../calico-node/main', [
      '--node', n.name,
      '--pod', pod,
      '--version', version,
      '--faults-dir', this.faultsDir(),
      '--status-file', statusFile(this.dir, n.name),
      '--config-file', configFile(this.dir, n.name),
    ]); // prettier-ignore
    const pid = this.launcher.start(n, argv, logFile(this.dir, n.name));
    this.running.set(n.name, { pod, version, pid, startedAt: Date.now() });
    this.lastStart.set(n.name, Date.now());
    if (pid) writeFileSync(join(this.dir, CALICO_NODE_DIR, `${n.name}.pid`), `${pid}\n`);
  }

  /**
   * The kubelet's side of a pod start (image-store.ts): calico-node's images must be on the board before
   * its container starts; missing ones are pulled first, each taking the board's pull time (and never
   * arriving while the board's pulls fail: ImagePullBackOff). True once they are all there.
   */
  private imagesOnBoard(n: LabNodeState, version: string): boolean {
    const missing = calicoNodeImages(version).filter((ref) => !hasImage(n.upperDir, ref));
    const key = `${n.name}/${version}`;
    if (missing.length === 0) {
      this.pulls.delete(key);
      return true;
    }
    const lab = readLabState(this.dir);
    const pull = lab ? boardPull(lab, n.name) : { ms: 0, fails: false };
    if (pull.fails) return false;
    if (!this.pulls.has(key)) this.pulls.set(key, Date.now() + missing.length * pull.ms);
    if (Date.now() < this.pulls.get(key)!) return false;
    for (const ref of missing) putImage(n.upperDir, ref);
    this.pulls.delete(key);
    return true;
  }

  private stopStandIn(node: string): void {
    const r = this.running.get(node);
    if (r?.pid) this.launcher.stop(r.pid);
    this.running.delete(node);
    rmSync(join(this.dir, CALICO_NODE_DIR, `${node}.pid`), { force: true });
  }

  private faultsDir(): string {
    return readLabState(this.dir)?.faultsDir ?? join(this.dir, 'faults');
  }

  private createPod(n: LabNodeState, ds: Obj, image: string, version: string): Obj {
    const t = this.type('', 'pods')!;
    const name = `calico-node-${podSuffix()}`;
    const template = ds.spec.template;
    const pod = this.api.create(
      t,
      CALICO_NAMESPACE,
      {
        metadata: {
          name,
          namespace: CALICO_NAMESPACE,
          labels: {
            ...template.metadata.labels,
            'controller-revision-hash': createHash('sha256').update(image).digest('hex').slice(0, 10),
            'pod-template-generation': String(ds.metadata.generation ?? 1),
          },
          annotations: { 'lab.picocal.dev/calico-version': version },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'DaemonSet',
              name: 'calico-node',
              uid: ds.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { ...template.spec, nodeName: n.name },
      } as KubeObject,
      'kube-controller-manager',
    );
    if (this.imagesOnBoard(n, version)) this.startStandIn(n, name, version);
    return pod;
  }

  private rollPods(lab: LabState, inst: Obj, ds: Obj, image: string, version: string): Map<string, Obj> {
    const podType = this.type('', 'pods')!;
    const byNode = new Map<string, Obj>();
    for (const p of this.api.store.list('/pods', CALICO_NAMESPACE) as Obj[]) {
      if (p.metadata.labels?.['k8s-app'] !== 'calico-node') continue;
      const node = p.spec?.nodeName as string;
      if (!lab.nodes.some((n) => n.name === node) || byNode.has(node)) {
        this.api.remove(podType, CALICO_NAMESPACE, p.metadata.name);
        continue;
      }
      byNode.set(node, p);
    }
    for (const n of lab.nodes)
      if (!byNode.has(n.name)) byNode.set(n.name, this.createPod(n, ds, image, version));

    const imageOf = (p: Obj): string => p.spec?.containers?.[0]?.image ?? '';
    let unavailable = lab.nodes.filter((n) => !this.isReady(n, byNode.get(n.name))).length;
    const budget = maxUnavailable(inst, lab.nodes.length);
    for (const n of lab.nodes) {
      const p = byNode.get(n.name)!;
      if (imageOf(p) === image) continue;
      const ready = this.isReady(n, p);
      // As the DaemonSet controller does: an old pod that is not available anyway is replaced at once.
      if (ready && unavailable >= budget) continue;
      this.api.remove(podType, CALICO_NAMESPACE, p.metadata.name);
      this.stopStandIn(n.name);
      byNode.set(n.name, this.createPod(n, ds, image, version));
      if (ready) unavailable++;
    }

    for (const n of lab.nodes) {
      const p = byNode.get(n.name)!;
      const r = this.running.get(n.name);
      if (n.state !== 'running') {
        if (r) this.stopStandIn(n.name);
      } else if (
        (!r || r.pod !== p.metadata.name || (r.pid !== undefined && !this.processAlive(r.pid))) &&
        // The kubelet pulls the pod's missing images before it starts the container.
        this.imagesOnBoard(n, p.metadata.annotations?.['lab.picocal.dev/calico-version'] ?? version)
      ) {
        if (
          Date.now() - (this.lastStart.get(n.name) ?? 0) >= RESTART_BACKOFF_MS ||
          !r ||
          r.pod !== p.metadata.name
        ) {
          this.startStandIn(
            n,
            p.metadata.name,
            p.metadata.annotations?.['lab.picocal.dev/calico-version'] ?? version,
          );
          if (r) this.restarts.set(p.metadata.name, (this.restarts.get(p.metadata.name) ?? 0) + 1);
        }
      }
      this.updatePodStatus(n, p);
      byNode.set(n.name, this.api.store.get('/pods', CALICO_NAMESPACE, p.metadata.name) as Obj);
    }
    return byNode;
  }

  private processAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private updatePodStatus(n: LabNodeState, p: Obj): void {
    const ready = this.isReady(n, p);
    const s = this.status(n.name);
    const live =
      n.state === 'running' &&
      !!s &&
      s.pod === p.metadata.name &&
      s.live &&
      Date.now() - s.at < STATUS_STALE_MS;
    const key = p.metadata.name as string;
    if (ready) this.notReadySince.delete(key);
    else if (!this.notReadySince.has(key)) this.notReadySince.set(key, Date.now());
    const prevCs = p.status?.containerStatuses?.[0];
    const restartCount = Math.max(prevCs?.restartCount ?? 0, this.restarts.get(key) ?? 0);
    const startedAt = p.status?.startTime ?? p.metadata.creationTimestamp;
    const prev = p.status?.conditions as Condition[] | undefined;
    const conditions = nextConditions(
      prev,
      [
        { type: 'PodReadyToStartContainers', ok: n.state === 'running', reason: '', message: '' },
        { type: 'Initialized', ok: true, reason: '', message: '' },
        {
          type: 'Ready',
          ok: ready,
          reason: ready ? '' : 'ContainersNotReady',
          message: ready ? '' : 'containers with unready status: [calico-node]',
        },
        {
          type: 'ContainersReady',
          ok: ready,
          reason: ready ? '' : 'ContainersNotReady',
          message: ready ? '' : 'containers with unready status: [calico-node]',
        },
        { type: 'PodScheduled', ok: true, reason: '', message: '' },
      ],
      undefined,
    ).map((c) => ({
      type: c.type,
      status: c.status,
      lastProbeTime: null,
      lastTransitionTime: c.lastTransitionTime,
      ...(c.reason ? { reason: c.reason, message: c.message } : {}),
    }));
    const image = p.spec?.containers?.[0]?.image;
    const status = {
      phase: 'Running',
      hostIP: n.address,
      hostIPs: [{ ip: n.address }],
      podIP: n.address,
      podIPs: [{ ip: n.address }],
      startTime: startedAt,
      qosClass: 'BestEffort',
      conditions,
      containerStatuses: [
        {
          name: 'calico-node',
          image,
          imageID: `${image}@sha256:lab`,
          containerID: `lab://${key}`,
          ready,
          started: live,
          restartCount,
          state:
            n.state === 'running' ? { running: { startedAt } } : { waiting: { reason: 'NodeNotRunning' } },
        },
      ],
    };
    const cur = this.api.store.get('/pods', CALICO_NAMESPACE, key);
    if (cur && !isDeepStrictEqual(stripTimes(cur.status), stripTimes(status))) {
      this.api.update(
        this.type('', 'pods')!,
        CALICO_NAMESPACE,
        key,
        { ...cur, status } as KubeObject,
        'status',
        'kubelet',
      );
    }
  }

  private reportStatus(
    lab: LabState,
    inst: Obj,
    instType: ResourceType,
    ds: Obj,
    pods: Map<string, Obj>,
    version: string,
  ): void {
    const image = ds.spec.template.spec.containers[0].image as string;
    const list = lab.nodes.map((n) => ({ n, p: pods.get(n.name)! }));
    const ready = list.filter(({ n, p }) => this.isReady(n, p));
    const updated = list.filter(({ p }) => p.spec?.containers?.[0]?.image === image);
    const updatedReady = ready.filter(({ p }) => p.spec?.containers?.[0]?.image === image);
    const dsType = this.type('apps', 'daemonsets')!;
    this.setStatus(dsType, CALICO_NAMESPACE, 'calico-node', {
      currentNumberScheduled: list.length,
      desiredNumberScheduled: lab.nodes.length,
      numberMisscheduled: 0,
      numberReady: ready.length,
      numberAvailable: ready.length,
      ...(lab.nodes.length - ready.length > 0 ? { numberUnavailable: lab.nodes.length - ready.length } : {}),
      updatedNumberScheduled: updated.length,
      observedGeneration: ds.metadata.generation,
    });

    const done = updatedReady.length === lab.nodes.length;
    const oldestNotReady = Math.min(
      ...list
        .filter(({ n, p }) => !this.isReady(n, p))
        .map(({ p }) => this.notReadySince.get(p.metadata.name) ?? Date.now()),
    );
    const stuck = !done && Date.now() - oldestNotReady > this.degradedAfterMs;
    const waiting = list.filter(({ n, p }) => !this.isReady(n, p)).map(({ n }) => n.name);
    const message = done
      ? ''
      : updated.length < lab.nodes.length
        ? `DaemonSet "${CALICO_NAMESPACE}/calico-node" update is rolling out (${updatedReady.length} out of ${lab.nodes.length} updated and ready; waiting for ${waiting.join(', ') || 'rollout'})`
        : `DaemonSet "${CALICO_NAMESPACE}/calico-node" is not available (awaiting ${lab.nodes.length - ready.length} pods: ${waiting.join(', ')})`;
    const calicoHealth: Health = { available: done, progressing: !done, degraded: stuck, message };
    this.tigeraStatus('calico', calicoHealth);

    const ok: Health = { available: true, progressing: false, degraded: false, message: '' };
    const pending: Health = {
      available: false,
      progressing: true,
      degraded: false,
      message: 'Waiting for calico-node to be ready',
    };
    const cr = (plural: string): boolean => !!this.get('operator.tigera.io', plural, undefined, 'default');
    if (done) seedDatastore(this.writer, version);
    const registry = String(inst.spec?.registry ?? 'quay.io/').replace(/\/?$/, '/');
    // Once up, the Calico API server stays up while any calico-node is ready: on a real cluster a board
    // powering off does not take the API server away (unless its own pod ran there).
    if (done) this.apiServerWasUp = true;
    const apiServerReady = done || (this.apiServerWasUp && ready.length > 0);
    this.tigeraStatus('apiserver', this.apiServer.reconcile(registry, version, apiServerReady));
    this.tigeraStatus('goldmane', cr('goldmanes') ? (done ? ok : pending) : undefined);
    this.tigeraStatus('whisker', cr('whiskers') ? (done ? ok : pending) : undefined);
    const pools = (inst.spec?.calicoNetwork?.ipPools ?? []) as Obj[];
    this.ensureIpPools(pools);
    this.tigeraStatus('ippools', ok);

    const prev = inst.status?.conditions as Condition[] | undefined;
    const status = {
      ...(inst.status ?? {}),
      variant: inst.spec?.variant ?? 'Calico',
      mtu: pools[0]?.encapsulation?.startsWith('IPIP') ? 1480 : 1450,
      imageSet: '',
      ...(done ? { calicoVersion: version } : {}),
      computed: { ...(inst.spec ?? {}), variant: inst.spec?.variant ?? 'Calico' },
      conditions: nextConditions(
        prev,
        [
          {
            type: 'Ready',
            ok: done,
            reason: done ? 'AllObjectsAvailable' : 'ResourceNotReady',
            message: done ? 'All Objects are available' : message,
          },
          {
            type: 'Progressing',
            ok: !done,
            reason: done ? 'AllObjectsAvailable' : 'ResourceNotReady',
            message: done ? 'All Objects are available' : message,
          },
          {
            type: 'Degraded',
            ok: stuck,
            reason: stuck ? 'ResourceNotReady' : 'AllObjectsAvailable',
            message: stuck ? message : 'All Objects are available',
          },
        ],
        inst.metadata.generation,
      ),
    };
    this.setStatus(instType, undefined, 'default', status);
  }

  private ensureIpPools(pools: Obj[]): void {
    const t =
      this.type('crd.projectcalico.org', 'ippools') ?? CALICO_V3_TYPES.find((x) => x.plural === 'ippools')!;
    for (const p of pools) {
      if (!p.name || this.get('crd.projectcalico.org', 'ippools', undefined, p.name)) continue;
      const enc = String(p.encapsulation ?? 'None');
      this.api.create(
        t,
        undefined,
        {
          metadata: { name: p.name, labels: { 'app.kubernetes.io/managed-by': 'tigera-operator' } },
          spec: {
            cidr: p.cidr,
            blockSize: p.blockSize ?? 26,
            ipipMode: enc.startsWith('IPIP')
              ? enc.endsWith('CrossSubnet')
                ? 'CrossSubnet'
                : 'Always'
              : 'Never',
            vxlanMode: enc.startsWith('VXLAN')
              ? enc.endsWith('CrossSubnet')
                ? 'CrossSubnet'
                : 'Always'
              : 'Never',
            natOutgoing: p.natOutgoing !== 'Disabled',
            nodeSelector: p.nodeSelector ?? 'all()',
          },
        } as KubeObject,
        MANAGER,
      );
    }
  }

  private tigeraStatus(name: string, h: Health | undefined): void {
    const t = this.type('operator.tigera.io', 'tigerastatuses');
    if (!t) return;
    const cur = this.get('operator.tigera.io', 'tigerastatuses', undefined, name);
    if (!h) {
      if (cur) this.api.remove(t, undefined, name);
      return;
    }
    // Created when that component's controller first runs: calico first, the others one delay later.
    const due = this.operatorUpAt + this.delays.tigeraStatusMs * (name === 'calico' ? 1 : 2);
    if (!cur && Date.now() < due) return;
    const obj = cur ?? this.api.create(t, undefined, { metadata: { name }, spec: {} } as KubeObject, MANAGER);
    this.setStatus(t, undefined, name, {
      conditions: statusConditions(obj.status?.conditions, h, obj.metadata.generation),
    });
  }
}

function stripTimes(s: unknown): unknown {
  return JSON.parse(JSON.stringify(s ?? {}, (k, v: unknown) => (k === 'lastTransitionTime' ? undefined : v)));
}

export function startOperator(api: KubeApi, dir: string, opts: OperatorOptions = {}): OperatorStandIn {
  return new OperatorStandIn(api, dir, opts);
}
