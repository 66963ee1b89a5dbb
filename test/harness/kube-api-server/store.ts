import { randomUUID } from 'node:crypto';
import { clone, isObject, sameJson } from './json.js';
import { alreadyExists, conflict, expired, invalid, notFound } from './status.js';
import type { Json, KubeObject, ResourceType } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, numbered by the cluster-wide resourceVersion it produced (etcd's revision). */
export interface StoredEvent {
  resourceVersion: number;
  type: EventType;
  resource: ResourceType;
  object: KubeObject;
}

/** How an update is applied: the main resource (spec and metadata) or the `status` subresource. */
export interface UpdateOptions {
  subresource?: 'status';
}

/**
 * One cluster's objects, with etcd's versioning rules: a single counter numbers every write; an
 * object's `resourceVersion` is the number of its last write; `generation` moves only when the spec
 * changes; writes to the main resource keep the status and writes to `status` keep everything else;
 * an update naming a stale `resourceVersion` is a 409. The last `window` events are kept for
 * watches, like the watch cache; older resourceVersions are expired (410).
 */
export class ClusterStore {
  private revision: number;
  private readonly objects = new Map<string, KubeObject>();
  private events: StoredEvent[] = [];
  /** Watches from a resourceVersion below this have missed events we no longer hold. */
  private oldestWatchable: number;
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  constructor(
    private readonly window: number,
    firstRevision = 1000,
  ) {
    this.revision = firstRevision;
    this.oldestWatchable = firstRevision;
  }

  get resourceVersion(): number {
    return this.revision;
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(type, namespace, name));
    return found && clone(found);
  }

  /** Objects of a type, optionally in one namespace, sorted by namespace then name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    return [...this.objects.values()]
      .filter((o) => o.kind === type.kind && (namespace === undefined || o.metadata.namespace === namespace))
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
      .map(clone);
  }

  create(type: ResourceType, namespace: string, body: Json): KubeObject {
    const metadata = isObject(body.metadata) ? body.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw invalid(type, name, 'metadata.name: Required value');
    const key = keyOf(type, namespace, name);
    if (this.objects.has(key)) throw alreadyExists(type, name);
    const object: KubeObject = {
      ...clone(body),
      apiVersion: `${type.group}/${type.version}`,
      kind: type.kind,
      metadata: {
        ...clone(metadata),
        name,
        namespace,
        uid: randomUUID(),
        generation: 1,
        creationTimestamp: new Date().toISOString(),
        resourceVersion: '',
      },
      spec: isObject(body.spec) ? clone(body.spec) : {},
      status: {},
    };
    return this.write(type, key, object, 'ADDED');
  }

  /**
   * Replaces an object (PUT semantics; PATCH computes the full object first). `next.metadata.resourceVersion`,
   * when set, must be the current one. Returns the stored object; a write that changes nothing is
   * not a write (no new resourceVersion, no event), as in Kubernetes.
   */
  update(type: ResourceType, namespace: string, name: string, next: Json, options: UpdateOptions = {}): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw notFound(type, name);
    const nextMeta = isObject(next.metadata) ? next.metadata : {};
    if (nextMeta.name !== undefined && nextMeta.name !== name) throw invalid(type, name, 'metadata.name: the name of the object does not match the name on the URL');
    const expected = nextMeta.resourceVersion;
    if (expected !== undefined && expected !== '' && expected !== current.metadata.resourceVersion) throw conflict(type, name);

    const updated: KubeObject =
      options.subresource === 'status'
        ? { ...clone(current), status: isObject(next.status) ? clone(next.status) : {} }
        : {
            ...clone(next),
            apiVersion: current.apiVersion,
            kind: current.kind,
            // Identity and bookkeeping are the server's; labels and annotations are the caller's.
            metadata: { ...clone(nextMeta), ...identityOf(current) },
            spec: isObject(next.spec) ? clone(next.spec) : {},
            status: clone(current.status),
          };
    if (!sameJson(updated.spec, current.spec)) updated.metadata.generation = current.metadata.generation + 1;
    if (sameJson({ ...updated, metadata: { ...updated.metadata, resourceVersion: '' } }, { ...current, metadata: { ...current.metadata, resourceVersion: '' } })) {
      return clone(current);
    }
    return this.write(type, key, updated, 'MODIFIED');
  }

  /** Changes an object through a function, as the control API and the simulated controller do. */
  mutate(type: ResourceType, namespace: string, name: string, change: (object: KubeObject) => void, options: UpdateOptions = {}): KubeObject {
    const current = this.get(type, namespace, name);
    if (!current) throw notFound(type, name);
    change(current);
    return this.update(type, namespace, name, current, options);
  }

  delete(type: ResourceType, namespace: string, name: string): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw notFound(type, name);
    this.objects.delete(key);
    this.revision += 1;
    const object = { ...clone(current), metadata: { ...clone(current.metadata), resourceVersion: String(this.revision) } };
    this.record({ resourceVersion: this.revision, type: 'DELETED', resource: type, object });
    return clone(object);
  }

  /** Events after `resourceVersion`, or a 410 `StatusError` when some of them are no longer held. */
  eventsSince(resourceVersion: number): StoredEvent[] {
    if (resourceVersion < this.oldestWatchable) throw expired(resourceVersion, this.oldestWatchable);
    return this.events.filter((e) => e.resourceVersion > resourceVersion).map(clone);
  }

  /** Forgets every event so far: any watch from an older resourceVersion now gets 410 Gone. */
  compact(): void {
    this.events = [];
    this.oldestWatchable = this.revision;
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(type: ResourceType, key: string, object: KubeObject, eventType: EventType): KubeObject {
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    this.objects.set(key, object);
    this.record({ resourceVersion: this.revision, type: eventType, resource: type, object: clone(object) });
    return clone(object);
  }

  private record(event: StoredEvent): void {
    this.events.push(event);
    while (this.events.length > this.window) {
      const dropped = this.events.shift();
      if (dropped) this.oldestWatchable = dropped.resourceVersion;
    }
    for (const listener of [...this.listeners]) listener(clone(event));
  }
}

const keyOf = (type: ResourceType, namespace: string, name: string) => `${type.plural}/${namespace}/${name}`;

function identityOf(current: KubeObject) {
  const { name, namespace, uid, generation, creationTimestamp, resourceVersion } = current.metadata;
  return { name, namespace, uid, generation, creationTimestamp, resourceVersion };
}
