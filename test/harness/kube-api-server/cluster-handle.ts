import type { ClusterState, RecordedRequest } from './cluster-state.js';
import type { KubeFault, RequestMatch } from './faults.js';
import { notFound } from './status.js';
import { resourceOfKind, ROLLOUTS, DEPLOYMENTS, type KubeObject, type WorkloadKey } from './types.js';
import { deploymentManifest, rolloutManifest, setContainerImage, type WorkloadSpec } from './workloads.js';

/** The control API of one simulated cluster: plain methods for tests, no HTTP. */
export interface ClusterHandle {
  readonly name: string;

  /** Creates a Deployment; by default the controller then rolls it out fully (`rolledOut: false` leaves it unobserved). */
  createDeployment(spec: WorkloadSpec, options?: { rolledOut?: boolean }): KubeObject;
  /** Creates an Argo Rollout (canary by default); rolled out and Healthy unless `rolledOut: false`. */
  createRollout(spec: WorkloadSpec & { strategy?: 'canary' | 'blueGreen' }, options?: { rolledOut?: boolean }): KubeObject;
  /** The stored object (a copy), or undefined. */
  get(key: WorkloadKey): KubeObject | undefined;
  /** A new image for a container (the first by default): a spec change, so generation + 1. */
  setImage(key: WorkloadKey, image: string, container?: string): KubeObject;
  /** Any change to the stored object through the main resource (spec, labels…). */
  update(key: WorkloadKey, change: (object: KubeObject) => void): KubeObject;
  delete(key: WorkloadKey): void;

  /** One controller move (observe, start a pod, make it available, retire an old one, finish); false when nothing moved. */
  step(key: WorkloadKey): boolean;
  /** Controller moves until done (or held); returns how many. */
  settle(key: WorkloadKey): number;
  /** Runs the controller over every workload every `intervalMs` until `stopController`. */
  startController(intervalMs: number): void;
  stopController(): void;
  /** Progress deadline exceeded: Deployment `Progressing=False/ProgressDeadlineExceeded`, Rollout `Degraded`. */
  stick(key: WorkloadKey): void;
  /** Argo Rollout aborted (e.g. failed analysis): `Degraded` with `RolloutAborted: …message`. */
  degrade(key: WorkloadKey, message: string): void;
  /** Argo Rollout paused at a canary step. */
  pause(key: WorkloadKey): void;
  /** Clears the pause conditions; the next controller step finishes unpausing. */
  resume(key: WorkloadKey): void;

  /** The cluster's current resourceVersion (etcd revision). */
  resourceVersion(): string;
  /** Forgets the event history: watches from any earlier resourceVersion get 410 Gone. */
  compact(): void;
  /** Open watch streams stop sending (events and bookmarks) but stay connected. Returns how many. */
  stallWatches(): number;
  /** Ends every open watch stream cleanly, as an API server restart or `timeoutSeconds` would. */
  closeWatches(): number;
  openWatches(): number;

  /** Applies `fault` to the next `times` (default: every) matching requests, first rule first. */
  injectFault(fault: KubeFault, match?: RequestMatch & { times?: number }): void;
  clearFaults(): void;
  /** Answers 403 Forbidden (RBAC) to matching requests until `allowAll`. */
  deny(match?: RequestMatch): void;
  allowAll(): void;
  /** Every API request received (routing-level 404s excluded), oldest first. */
  readonly requests: readonly RecordedRequest[];
}

export function clusterHandle(state: ClusterState): ClusterHandle {
  const { store, controller } = state;
  const type = (key: WorkloadKey) => resourceOfKind(key.kind);
  const create = (object: KubeObject, rolledOut: boolean) => {
    const key: WorkloadKey = { kind: object.kind === 'Rollout' ? 'Rollout' : 'Deployment', namespace: object.metadata.namespace, name: object.metadata.name };
    if (rolledOut) controller.settle(key);
    return store.get(type(key), key.namespace, key.name) ?? object;
  };
  return {
    name: state.name,
    createDeployment: (spec, options = {}) => create(store.create(DEPLOYMENTS, spec.namespace, deploymentManifest(spec)), options.rolledOut ?? true),
    createRollout: (spec, options = {}) => create(store.create(ROLLOUTS, spec.namespace, rolloutManifest(spec)), options.rolledOut ?? true),
    get: (key) => store.get(type(key), key.namespace, key.name),
    setImage: (key, image, container) => store.mutate(type(key), key.namespace, key.name, (o) => setContainerImage(o, image, container)),
    update: (key, change) => store.mutate(type(key), key.namespace, key.name, change),
    delete: (key) => {
      store.delete(type(key), key.namespace, key.name);
    },
    step: (key) => controller.step(key),
    settle: (key) => controller.settle(key),
    startController: (intervalMs) => controller.start(intervalMs),
    stopController: () => controller.stop(),
    stick: (key) => controller.stick(key),
    degrade: (key, message) => controller.degrade(key, message),
    pause: (key) => controller.pause(key),
    resume: (key) => {
      if (!store.get(ROLLOUTS, key.namespace, key.name)) throw notFound(ROLLOUTS, key.name);
      controller.resume(key);
    },
    resourceVersion: () => String(store.resourceVersion),
    compact: () => store.compact(),
    stallWatches: () => {
      for (const stream of state.streams) stream.stalled = true;
      return state.streams.size;
    },
    closeWatches: () => {
      const open = [...state.streams];
      for (const stream of open) stream.close();
      return open.length;
    },
    openWatches: () => state.streams.size,
    injectFault: (fault, match = {}) => {
      const { times = Infinity, ...rest } = match;
      state.faults.push({ fault, match: rest, remaining: times });
    },
    clearFaults: () => {
      state.faults.length = 0;
    },
    deny: (match = {}) => {
      state.denials.push(match);
    },
    allowAll: () => {
      state.denials.length = 0;
    },
    get requests() {
      return state.requests;
    },
  };
}
