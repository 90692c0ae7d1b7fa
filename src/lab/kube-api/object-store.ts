// LAB ONLY: part of the Kubernetes API stand-in. Holds every object the stand-in serves, hands out
// resourceVersions from one counter as etcd does, keeps a window of recent changes so watches can
// resume from a resourceVersion, and persists to `<lab dir>/kube-state.json` (atomic, debounced).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: unknown[];
  ownerReferences?: unknown[];
  finalizers?: string[];
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** `group/plural`, e.g. `apps/daemonsets`, `/pods`. */
  resource: string;
  object: KubeObject;
  /** The object before a change, so watches with selectors can tell an object left the selection. */
  old?: KubeObject;
  rv: number;
}

const HISTORY = 5000;

export function resourceKey(group: string, plural: string): string {
  return `${group}/${plural}`;
}

function objectKey(ns: string | undefined, name: string): string {
  return `${ns ?? ''}/${name}`;
}

interface Persisted {
  resourceVersion: number;
  resources: Record<string, KubeObject[]>;
}

export class ObjectStore {
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private rv = 1;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
      this.rv = saved.resourceVersion;
      for (const [res, objs] of Object.entries(saved.resources)) {
        const m = new Map<string, KubeObject>();
        for (const o of objs) m.set(objectKey(o.metadata.namespace, o.metadata.name ?? ''), o);
        this.data.set(res, m);
      }
    }
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can resume from without missing events. */
  get oldestResumable(): number {
    return this.history[0] ? this.history[0].rv - 1 : this.rv;
  }

  get(resource: string, ns: string | undefined, name: string): KubeObject | undefined {
    return this.data.get(resource)?.get(objectKey(ns, name));
  }

  list(resource: string, ns?: string): KubeObject[] {
    const all = [...(this.data.get(resource)?.values() ?? [])];
    const items = ns === undefined ? all : all.filter((o) => o.metadata.namespace === ns);
    return items.sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`,
      ),
    );
  }

  /** Stores a new or changed object, stamping the next resourceVersion. Returns the stored copy. */
  put(resource: string, obj: KubeObject): KubeObject {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    let m = this.data.get(resource);
    if (!m) this.data.set(resource, (m = new Map()));
    const old = m.get(key);
    this.rv += 1;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    m.set(key, stored);
    this.emit({
      type: old ? 'MODIFIED' : 'ADDED',
      resource,
      object: stored,
      ...(old ? { old } : {}),
      rv: this.rv,
    });
    return stored;
  }

  delete(resource: string, ns: string | undefined, name: string): KubeObject | undefined {
    const m = this.data.get(resource);
    const key = objectKey(ns, name);
    const old = m?.get(key);
    if (!m || !old) return undefined;
    m.delete(key);
    this.rv += 1;
    const gone = structuredClone(old);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit({ type: 'DELETED', resource, object: gone, old, rv: this.rv });
    return gone;
  }

  /** Events after `rv`, or undefined when they are no longer all held (the watch must relist). */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Writes the state now (on shutdown); otherwise writes happen 200 ms after the last change. */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file) return;
    const out: Persisted = { resourceVersion: this.rv, resources: {} };
    for (const [res, m] of this.data) out.resources[res] = [...m.values()];
    writeFileSync(`${this.file}.tmp`, JSON.stringify(out));
    renameSync(`${this.file}.tmp`, this.file);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    if (this.file && !this.saveTimer) this.saveTimer = setTimeout(() => this.flush(), 200);
    for (const fn of this.listeners) fn(e);
  }
}
