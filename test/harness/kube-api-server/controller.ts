import { desiredReplicas, freshPodSets, movePods, observe, observedGeneration, templateHash, type PodSets } from './pod-sets.js';
import { notFound } from './status.js';
import type { ClusterStore } from './store.js';
import { DEPLOYMENTS, ROLLOUTS, resourceOfKind, type KubeObject, type WorkloadKey } from './types.js';
import { deploymentStatus, rolloutStatus } from './workload-status.js';

/**
 * Stands in for the deployment controller and the Argo Rollouts controller of one cluster. Each
 * `step` makes one visible move and writes it to status through the store (so watchers see it):
 * observe a new generation, start a pod, let it become available, retire an old one, and finally
 * mark the rollout done. Tests drive it step by step or let it run on an interval.
 */
export class SimulatedController {
  private readonly pods = new Map<string, PodSets>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: ClusterStore) {}

  /** One move; false when the workload is done, held (stuck, aborted, paused) or gone. */
  step(key: WorkloadKey): boolean {
    const type = resourceOfKind(key.kind);
    const object = this.store.get(type, key.namespace, key.name);
    const id = idOf(key);
    if (!object) {
      this.pods.delete(id);
      return false;
    }
    let sets = this.pods.get(id) ?? freshPodSets();
    if (observedGeneration(object) < object.metadata.generation) {
      sets = observe(sets, templateHash(object));
    } else if (key.kind === 'Rollout' && object.status.controllerPause === true && !hasPauseConditions(object)) {
      // A resume cleared the pause conditions; the controller now acts on it.
      delete sets.hold;
    } else if (sets.hold) {
      return false;
    } else {
      const moved = movePods(sets, desiredReplicas(object));
      if (moved) sets = moved;
    }
    this.pods.set(id, sets);
    return this.writeStatus(object, sets);
  }

  /** Steps until nothing moves; returns the number of moves. */
  settle(key: WorkloadKey, maxSteps = 10_000): number {
    let steps = 0;
    while (steps < maxSteps && this.step(key)) steps += 1;
    return steps;
  }

  /** Steps every workload of the cluster every `intervalMs`, until `stop`. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      for (const type of [DEPLOYMENTS, ROLLOUTS]) {
        for (const o of this.store.list(type)) this.step({ kind: type.kind, namespace: o.metadata.namespace, name: o.metadata.name });
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The rollout stops making progress and reports its progress deadline exceeded. */
  stick(key: WorkloadKey): void {
    this.hold(key, { hold: 'deadline' });
  }

  /** An Argo Rollout aborts (as after a failed analysis): Degraded, canary scaled away, stable kept. */
  degrade(key: WorkloadKey, message: string): void {
    requireRollout(key);
    this.hold(key, { hold: 'aborted', abortMessage: message }, (sets) => ({ ...sets, oldPods: sets.oldPods + sets.newAvailable, newPods: 0, newAvailable: 0 }));
  }

  /** An Argo Rollout pauses at a canary step (Paused, `CanaryPauseStep`). */
  pause(key: WorkloadKey): void {
    requireRollout(key);
    this.hold(key, { hold: 'paused' });
  }

  /**
   * Resumes a paused Rollout the way `kubectl argo rollouts promote` does: it clears the pause
   * conditions, leaving `controllerPause` for the controller's next step to reset ("unpausing").
   */
  resume(key: WorkloadKey): void {
    requireRollout(key);
    this.store.mutate(ROLLOUTS, key.namespace, key.name, (o) => delete o.status.pauseConditions, { subresource: 'status' });
  }

  private hold(key: WorkloadKey, hold: Pick<PodSets, 'hold' | 'abortMessage'>, change: (s: PodSets) => PodSets = (s) => s): void {
    const object = this.store.get(resourceOfKind(key.kind), key.namespace, key.name);
    if (!object) throw notFound(resourceOfKind(key.kind), key.name);
    const sets = { ...change(this.pods.get(idOf(key)) ?? freshPodSets()), ...hold };
    this.pods.set(idOf(key), sets);
    this.writeStatus(object, sets);
  }

  private writeStatus(object: KubeObject, sets: PodSets): boolean {
    const type = resourceOfKind(object.kind === 'Rollout' ? 'Rollout' : 'Deployment');
    const status = type === ROLLOUTS ? rolloutStatus(object, sets) : deploymentStatus(object, sets);
    const before = object.metadata.resourceVersion;
    const after = this.store.mutate(type, object.metadata.namespace, object.metadata.name, (o) => (o.status = status), { subresource: 'status' });
    return after.metadata.resourceVersion !== before;
  }
}

const idOf = (key: WorkloadKey) => `${key.kind}/${key.namespace}/${key.name}`;

const hasPauseConditions = (o: KubeObject) => Array.isArray(o.status.pauseConditions) && o.status.pauseConditions.length > 0;

function requireRollout(key: WorkloadKey): void {
  if (key.kind !== 'Rollout') throw new TypeError(`${key.kind} ${key.namespace}/${key.name}: only Argo Rollouts degrade, pause and resume`);
}
