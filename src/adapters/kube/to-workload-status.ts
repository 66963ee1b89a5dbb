import { workloadConverged, type ObservedWorkload, type WorkloadCondition, type WorkloadRef, type WorkloadStatus } from '../../core/rollout/cluster-client.js';
import { KubeBadResponseError, type KubeErrorDetails } from '../../errors/kube-errors.js';

type Fields = Record<string, unknown>;

const record = (value: unknown): Fields | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined);
const count = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads a Deployment or Rollout — as the generated client deserialized it, or as raw JSON from a
 * list or a watch event — into the port's shape, judged against its own spec. An answer without
 * `metadata` (e.g. a proxy's HTML page, which the client passes through as a string) is a
 * `KUBE_BAD_RESPONSE`.
 */
export function toWorkloadStatus(ref: WorkloadRef, raw: unknown, details: KubeErrorDetails): WorkloadStatus {
  const observed = toObservedWorkload(ref, raw, details);
  return { ...observed, ...workloadConverged(observed) };
}

export function toObservedWorkload(ref: WorkloadRef, raw: unknown, details: KubeErrorDetails): ObservedWorkload {
  const object = record(raw);
  const metadata = record(object?.metadata);
  if (!object || !metadata || typeof metadata.name !== 'string') {
    throw new KubeBadResponseError(`Kubernetes cluster ${ref.cluster}: the answer for ${ref.kind} ${ref.namespace}/${ref.name} is not a Kubernetes object`, details, { retryable: true });
  }
  const spec = record(object.spec) ?? {};
  const status = record(object.status) ?? {};
  const generation = count(metadata.generation);
  const observed: ObservedWorkload = {
    ref,
    resourceVersion: text(metadata.resourceVersion) ?? '',
    generation,
    observedGeneration: ref.kind === 'Rollout' ? argoObservedGeneration(status.observedGeneration, generation) : count(status.observedGeneration),
    replicas: count(spec.replicas, 1),
    currentReplicas: count(status.replicas),
    updatedReplicas: count(status.updatedReplicas),
    availableReplicas: count(status.availableReplicas),
    readyReplicas: count(status.readyReplicas),
    images: imagesOf(spec),
    conditions: conditionsOf(status.conditions),
  };
  if (ref.kind === 'Rollout') {
    const { phase, message, stableRS, currentPodHash, pauseConditions } = status;
    if (typeof phase === 'string') observed.phase = phase;
    if (typeof message === 'string') observed.message = message;
    if (typeof stableRS === 'string') observed.stableRS = stableRS;
    if (typeof currentPodHash === 'string') observed.currentPodHash = currentPodHash;
    observed.unpausing = status.controllerPause === true && !(Array.isArray(pauseConditions) && pauseConditions.length > 0);
  }
  return observed;
}

/** Argo writes a string; a non-numeric one (pre-v0.10 hash) counts as observed, as in Argo's `isGenerationObserved`. */
function argoObservedGeneration(value: unknown, generation: number): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return 0;
  return /^\d+$/.test(value) ? Number(value) : generation;
}

function imagesOf(spec: Fields): string[] {
  const podSpec = record(record(spec.template)?.spec);
  const containers = Array.isArray(podSpec?.containers) ? podSpec.containers : [];
  return containers.map((c) => text(record(c)?.image)).filter((image): image is string => image !== undefined);
}

function conditionsOf(value: unknown): WorkloadCondition[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw) => {
    const c = record(raw);
    const type = text(c?.type);
    if (!c || !type) return [];
    const condition: WorkloadCondition = { type, status: text(c.status) ?? 'Unknown' };
    const reason = text(c.reason);
    const message = text(c.message);
    if (reason !== undefined) condition.reason = reason;
    if (message !== undefined) condition.message = message;
    return [condition];
  });
}
