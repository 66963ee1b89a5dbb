/**
 * The port through which the core reads how far a workload has rolled out in one cluster. The core
 * owns this shape; `src/adapters/kube/` implements it over the Kubernetes API with
 * `@kubernetes/client-node`.
 *
 * Deliberately left out: writing to clusters (wavegate changes clusters only through Git), pods and
 * ReplicaSets (the workload's status already counts them), kinds other than Deployments and Argo
 * Rollouts, and Rollouts whose pod template comes from a `workloadRef` (their images are unknown here).
 */

export type WorkloadKind = 'Deployment' | 'Rollout';

/** Where a workload lives: `cluster` is a fleet cluster name, not a kube context. */
export interface WorkloadRef {
  cluster: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

/** A status condition as the controller wrote it (`Progressing`, `Available`, `Healthy`, …). */
export interface WorkloadCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** What the cluster says about a workload, before any judgement. */
export interface ObservedWorkload {
  ref: WorkloadRef;
  /** `metadata.resourceVersion`: changes on every write; opaque, compare only for equality. */
  resourceVersion: string;
  /** `metadata.generation`: the API server bumps it on every spec change. */
  generation: number;
  /**
   * `status.observedGeneration`: the generation the controller has acted on; 0 when never observed.
   * Argo Rollouts writes it as a string; a non-numeric (pre-v0.10 hash) value counts as observed,
   * as Argo's own `GetRolloutPhase` does, and is reported here as `generation`.
   */
  observedGeneration: number;
  /** Desired replicas (`spec.replicas`, default 1). */
  replicas: number;
  /** `status.replicas`: pods of every template, old ones included. */
  currentReplicas: number;
  /** Pods running the current pod template. */
  updatedReplicas: number;
  availableReplicas: number;
  readyReplicas: number;
  /** Container images of the pod template (init containers excluded), in spec order. */
  images: string[];
  /** Argo Rollout `status.phase`: Healthy | Progressing | Paused | Degraded. Absent for Deployments. */
  phase?: string;
  /** Argo Rollout `status.message`, the controller's explanation of `phase`. */
  message?: string;
  /** Argo Rollout `status.stableRS`: pod-template hash of the ReplicaSet serving as stable. */
  stableRS?: string;
  /** Argo Rollout `status.currentPodHash`: pod-template hash of the desired template. */
  currentPodHash?: string;
  /** Argo Rollout: `status.controllerPause` with no `pauseConditions` — a resume not yet acted on. */
  unpausing?: boolean;
  conditions: WorkloadCondition[];
}

/** The judgement on an observed workload. */
export interface Convergence {
  /** Every desired replica runs the current template (and the expected version, when one was asked for). */
  converged: boolean;
  /** It will not converge without someone acting: progress deadline exceeded, or an aborted/degraded Rollout. */
  stuck: boolean;
  /** One line for humans, e.g. "2 of 3 replicas updated". */
  reason: string;
}

/**
 * A workload's rollout status. `converged`/`reason` judge the workload against its own spec (no
 * expected version); call `workloadConverged(status, '1.4.2')` to also require a version.
 */
export type WorkloadStatus = ObservedWorkload & Convergence;

export interface ClusterClient {
  /**
   * Reads the workload now. Resolves `null` when the API server answers that this workload does not
   * exist (404 naming it) — not deployed yet, or deleted. Any other failure throws a `KubeError`
   * subclass (`src/errors/kube-errors.ts`) and never turns into `null`: `KUBE_UNAVAILABLE`
   * (retryable: network error, timeout, 5xx, 429), `KUBE_FORBIDDEN` (401/403), `KUBE_CLUSTER_UNKNOWN`,
   * `KUBE_BAD_RESPONSE` (an answer that is not the API's, or a kind the cluster does not serve, e.g.
   * Rollouts without Argo Rollouts installed).
   */
  workloadStatus(ref: WorkloadRef): Promise<WorkloadStatus | null>;

  /**
   * Follows the workload until `signal` aborts. Calls `onChange` with the current status first (or
   * `null` when it does not exist), then after every change (`null` once it is deleted); a status is
   * never delivered twice for the same `resourceVersion`. The adapter survives what long watches
   * meet: an expired resourceVersion (410 Gone: it re-lists), a stream that goes silent (restarted),
   * dropped connections and transient errors (retried with backoff).
   *
   * Resolves when `signal` aborts. Rejects with a non-retryable `KubeError` (forbidden, unknown
   * cluster, kind not served), with the last `KUBE_UNAVAILABLE` after too many consecutive
   * failures, or with whatever `onChange` throws (the watch then stops).
   */
  watchWorkload(ref: WorkloadRef, onChange: (status: WorkloadStatus | null) => void, signal: AbortSignal): Promise<void>;
}

const judged = (converged: boolean, reason: string, stuck = false): Convergence => ({ converged, stuck, reason });

/**
 * Decides whether a workload has finished rolling out, the way `kubectl rollout status` decides for
 * Deployments (kubectl `DeploymentStatusViewer`) and `kubectl argo rollouts status` for Rollouts
 * (Argo's `GetRolloutPhase`), plus, when `expectedImageOrTag` is given, that the pod template runs
 * that version. Pure: the same input always gives the same answer.
 */
export function workloadConverged(status: ObservedWorkload, expectedImageOrTag?: string): Convergence {
  if (expectedImageOrTag !== undefined) {
    const mismatch = versionMismatch(status.images, expectedImageOrTag);
    if (mismatch) return judged(false, mismatch);
  }
  if (status.observedGeneration < status.generation) {
    return judged(false, `waiting for the controller to observe generation ${status.generation} (observed ${status.observedGeneration})`);
  }
  return status.ref.kind === 'Rollout' ? rolloutConvergence(status) : deploymentConvergence(status);
}

/** kubectl's order of checks, with its reasons reworded to one line. */
function deploymentConvergence(s: ObservedWorkload): Convergence {
  const progressing = s.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return judged(false, `progress deadline exceeded${progressing.message ? `: ${progressing.message}` : ''}`, true);
  }
  const replicas = replicaConvergence(s, true);
  return replicas ?? judged(true, `${s.updatedReplicas} of ${s.replicas} replicas updated and available`);
}

/**
 * Replica counts, in kubectl's order. Old replicas count only for Deployments: a Rollout with
 * traffic routing or blue-green keeps old pods through its scale-down delay while Healthy.
 */
function replicaConvergence(s: ObservedWorkload, oldReplicasMatter: boolean): Convergence | undefined {
  if (s.updatedReplicas < s.replicas) return judged(false, `${s.updatedReplicas} of ${s.replicas} replicas updated`);
  if (oldReplicasMatter && s.currentReplicas > s.updatedReplicas) {
    const old = s.currentReplicas - s.updatedReplicas;
    return judged(false, `${old} old ${old === 1 ? 'replica' : 'replicas'} pending termination`);
  }
  if (s.availableReplicas < s.updatedReplicas) {
    return judged(false, `${s.availableReplicas} of ${s.updatedReplicas} updated replicas available`);
  }
  return undefined;
}

/**
 * Argo's `GetRolloutPhase`: the controller computes the phase (v1.0+); we trust it once the spec is
 * observed and no resume is pending, and additionally require the stable ReplicaSet to be the
 * current template (Argo's `IsFullyPromoted`) and the replica counts to agree.
 */
function rolloutConvergence(s: ObservedWorkload): Convergence {
  if (s.unpausing) return judged(false, 'waiting for the rollout to unpause');
  const detail = s.message ? `: ${s.message}` : '';
  switch (s.phase) {
    case undefined:
    case '':
      return judged(false, 'the Argo Rollouts controller has not reported a phase');
    case 'Degraded':
      return judged(false, `Degraded${detail}`, true);
    case 'Healthy':
      break;
    default:
      return judged(false, `${s.phase}${detail}`);
  }
  if (!s.stableRS || s.stableRS !== s.currentPodHash) {
    return judged(false, `Healthy, but the stable ReplicaSet (${s.stableRS || 'none'}) is not the current template (${s.currentPodHash || 'unknown'})`);
  }
  const replicas = replicaConvergence(s, false);
  return replicas ?? judged(true, `Healthy: ${s.updatedReplicas} of ${s.replicas} replicas updated and available`);
}

/**
 * `expected` is an image reference when it contains `/`, `:` or `@` (compared whole), otherwise a
 * tag. One matching container is enough: sidecars (proxies, log shippers) keep their own versions.
 */
function versionMismatch(images: string[], expected: string): string | undefined {
  const isImage = /[/:@]/.test(expected);
  const matches = images.some((image) => (isImage ? image === expected : imageTag(image) === expected));
  if (matches) return undefined;
  if (images.length === 0) return `the pod template has no containers to run ${expected}`;
  return `the pod template runs ${images.join(', ')}, not ${expected}`;
}

/** The tag of `registry:5000/app:1.2@sha256:…` is `1.2`; an image without a tag has none. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
}
