import { desiredReplicas, rolledOut, type PodSets } from './pod-sets.js';
import type { Json, KubeObject } from './types.js';

const counts = (sets: PodSets) => {
  const replicas = sets.oldPods + sets.newPods;
  const available = sets.oldPods + sets.newAvailable;
  return { replicas, updatedReplicas: sets.newPods, readyReplicas: available, availableReplicas: available };
};

/** A Deployment's status as the deployment controller writes it (timestamps left out). */
export function deploymentStatus(object: KubeObject, sets: PodSets): Json {
  const desired = desiredReplicas(object);
  const c = counts(sets);
  const rs = `${object.metadata.name}-${sets.template ?? 'unknown'}`;
  const progressing =
    sets.hold === 'deadline'
      ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs}" has timed out progressing.` }
      : rolledOut(sets, desired)
        ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.` }
        : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs}" is progressing.` };
  const available = c.availableReplicas >= desired;
  return {
    observedGeneration: object.metadata.generation,
    ...c,
    ...(c.replicas > c.availableReplicas ? { unavailableReplicas: c.replicas - c.availableReplicas } : {}),
    conditions: [
      {
        type: 'Available',
        status: available ? 'True' : 'False',
        reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      },
      progressing,
    ],
  };
}

/**
 * An Argo Rollout's status as its controller (v1.x) writes it: string observedGeneration,
 * currentPodHash, stableRS (moved to the current template only once every replica runs it),
 * phase and message in the words of Argo's `CalculateRolloutPhase`.
 */
export function rolloutStatus(object: KubeObject, sets: PodSets): Json {
  const desired = desiredReplicas(object);
  const c = counts(sets);
  const previousStable = typeof object.status.stableRS === 'string' ? object.status.stableRS : undefined;
  const rs = `${object.metadata.name}-${sets.template ?? 'unknown'}`;
  const done = rolledOut(sets, desired) && !sets.hold;
  const stableRS = done ? sets.template : previousStable;
  const [phase, message, progressing] = rolloutPhase(sets, c, desired, rs, object.metadata.generation);
  return {
    observedGeneration: String(object.metadata.generation),
    ...c,
    ...(sets.template ? { currentPodHash: sets.template } : {}),
    ...(stableRS ? { stableRS } : {}),
    phase,
    message,
    ...(sets.hold === 'paused' ? { controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: new Date().toISOString() }] } : {}),
    ...(sets.hold === 'aborted' ? { abort: true } : {}),
    conditions: [progressing, { type: 'Available', status: c.availableReplicas >= desired ? 'True' : 'False', reason: 'AvailableReason' }],
  };
}

function rolloutPhase(sets: PodSets, c: ReturnType<typeof counts>, desired: number, rs: string, generation: number): [string, string, Json] {
  const progressing = (reason: string, message: string, status = 'True') => ({ type: 'Progressing', status, reason, message });
  switch (sets.hold) {
    case 'aborted': {
      const message = `Rollout aborted update to revision ${generation}: ${sets.abortMessage ?? 'aborted'}`;
      return ['Degraded', `RolloutAborted: ${message}`, progressing('RolloutAborted', message, 'False')];
    }
    case 'deadline': {
      const message = `ReplicaSet "${rs}" has timed out progressing.`;
      return ['Degraded', `ProgressDeadlineExceeded: ${message}`, progressing('ProgressDeadlineExceeded', message, 'False')];
    }
    case 'paused':
      return ['Paused', 'CanaryPauseStep', progressing('RolloutPaused', 'Rollout is paused')];
  }
  const moving = progressing('ReplicaSetUpdated', `ReplicaSet "${rs}" is progressing.`);
  if (c.updatedReplicas < desired) return ['Progressing', 'more replicas need to be updated', moving];
  if (c.availableReplicas - sets.oldPods < c.updatedReplicas) return ['Progressing', 'updated replicas are still becoming available', moving];
  if (c.replicas > c.updatedReplicas) return ['Progressing', 'old replicas are pending termination', moving];
  if (!rolledOut(sets, desired)) return ['Progressing', 'waiting for all steps to complete', moving];
  return ['Healthy', '', progressing('NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`)];
}
