import { imageTag, type ObservedWorkload, type WorkloadCondition, type WorkloadRef } from '../core/rollout/cluster-client.js';

/** What Git asks a cluster to run. */
export interface DesiredWorkload {
  image: string;
  replicas: number;
}

/** The pace of a simulated Deployment rollout (ms). */
export interface RolloutPace {
  /** Until the controller observes a new generation. */
  observeMs: number;
  /** Between two replicas of the new template being created (maxSurge 1, maxUnavailable 0). */
  perReplicaMs: number;
  /** From a new pod created to it being available. */
  readyMs: number;
}

export const DEFAULT_PACE: RolloutPace = { observeMs: 200, perReplicaMs: 450, readyMs: 300 };

interface Rollout {
  generation: number;
  from: string | null;
  to: string;
  replicas: number;
  startedAt: number;
}

/**
 * One cluster's Deployment, moved by time alone: after a spec change the controller observes the
 * new generation, then surges one new pod at a time, each becoming available a little later while
 * an old one terminates — what `kubectl rollout status` watches, in about two seconds for four
 * replicas. Traffic is shared by the pods that are available, so a half-rolled cluster serves both
 * versions. Pure given `now`: no timers.
 */
export class SimulatedDeployment {
  private current: Rollout | null = null;

  constructor(
    readonly ref: WorkloadRef,
    private readonly pace: RolloutPace = DEFAULT_PACE,
  ) {}

  /**
   * Git says the workload should look like `desired`. The first call describes what already runs
   * (converged at once); later changes start a rollout from what serves most traffic now.
   */
  apply(desired: DesiredWorkload, now: number): boolean {
    const cur = this.current;
    if (cur && cur.to === desired.image && cur.replicas === desired.replicas) return false;
    if (!cur) {
      this.current = { generation: 1, from: null, to: desired.image, replicas: desired.replicas, startedAt: -Infinity };
      return true;
    }
    const p = this.progress(now);
    const majority = cur.from === null || p.available * 2 >= cur.replicas ? cur.to : cur.from;
    this.current = { generation: cur.generation + 1, from: majority === desired.image ? null : majority, to: desired.image, replicas: desired.replicas, startedAt: now };
    return true;
  }

  /** The Deployment as the API server would return it now; null before Git has been read. */
  observe(now: number): ObservedWorkload | null {
    const cur = this.current;
    if (!cur) return null;
    const p = this.progress(now);
    const old = cur.from === null ? 0 : cur.replicas - p.available;
    const done = p.observed && p.available === cur.replicas;
    const conditions: WorkloadCondition[] = [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated' },
    ];
    return {
      ref: this.ref,
      resourceVersion: `${cur.generation}.${p.observed ? 1 : 0}.${p.updated}.${p.available}`,
      generation: cur.generation,
      observedGeneration: p.observed ? cur.generation : cur.generation - 1,
      replicas: cur.replicas,
      currentReplicas: p.updated + old,
      updatedReplicas: p.updated,
      availableReplicas: p.available + old,
      readyReplicas: p.available + old,
      images: [cur.to],
      conditions,
    };
  }

  /** Which versions serve traffic now, as shares of the available pods. */
  serving(now: number): Array<{ version: string; share: number }> {
    const cur = this.current;
    if (!cur) return [];
    const to = imageTag(cur.to) ?? cur.to;
    if (cur.from === null) return [{ version: to, share: 1 }];
    const { available } = this.progress(now);
    const from = imageTag(cur.from) ?? cur.from;
    const share = available / cur.replicas;
    return [
      { version: from, share: 1 - share },
      { version: to, share },
    ].filter((s) => s.share > 0);
  }

  private progress(now: number): { observed: boolean; updated: number; available: number } {
    const cur = this.current!;
    const { observeMs, perReplicaMs, readyMs } = this.pace;
    const t = now - cur.startedAt - observeMs;
    const observed = t >= 0;
    // Back to what most pods already run: the few others are simply replaced.
    if (cur.from === null) return { observed, updated: cur.replicas, available: cur.replicas };
    if (!observed) return { observed, updated: 0, available: 0 };
    // maxSurge 1, maxUnavailable 0: one new pod every perReplicaMs, each available readyMs later.
    const count = (since: number) => Math.max(0, Math.min(cur.replicas, Math.floor(since / perReplicaMs) + 1));
    return { observed, updated: count(t), available: t < readyMs ? 0 : count(t - readyMs) };
  }
}
