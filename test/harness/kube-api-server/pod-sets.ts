import { createHash } from 'node:crypto';
import { canonical, objectAt } from './json.js';
import type { KubeObject } from './types.js';

/**
 * What the simulated controller knows about a workload's pods: the "new" ReplicaSet runs the
 * current template, the "old" pods (every earlier template, merged) are all available.
 */
export interface PodSets {
  /** Pod-template hash of the new pods; undefined until the controller first observes the spec. */
  template?: string;
  newPods: number;
  newAvailable: number;
  oldPods: number;
  oldTemplate?: string;
  /** Why the controller does nothing until the spec changes (or, for `paused`, a resume). */
  hold?: 'deadline' | 'aborted' | 'paused';
  /** Shown in the Rollout's Degraded message after `degrade`. */
  abortMessage?: string;
}

export const freshPodSets = (): PodSets => ({ newPods: 0, newAvailable: 0, oldPods: 0 });

/** A stable, short hash of `spec.template`, like the pod-template-hash label. */
export function templateHash(object: KubeObject): string {
  const digest = createHash('sha256').update(canonical(objectAt(object, 'spec', 'template'))).digest();
  return digest.readUInt32BE(0).toString(36).padStart(7, '0').slice(0, 10);
}

export function desiredReplicas(object: KubeObject): number {
  const replicas = object.spec.replicas;
  return typeof replicas === 'number' && replicas >= 0 ? replicas : 1;
}

/** The generation the controller last wrote in status (Argo writes a string). */
export function observedGeneration(object: KubeObject): number {
  const raw = object.status.observedGeneration;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The controller notices a new spec: a new template turns the pods it had into old ones. */
export function observe(sets: PodSets, hash: string): PodSets {
  const next: PodSets = { ...sets };
  delete next.hold;
  delete next.abortMessage;
  if (sets.template === hash) return next;
  if (sets.oldTemplate === hash) {
    // Back to the previous template: its ReplicaSet is scaled up again, as Kubernetes reuses it.
    return { ...next, template: hash, newPods: sets.oldPods, newAvailable: sets.oldPods, oldPods: sets.newAvailable, ...(sets.template ? { oldTemplate: sets.template } : {}) };
  }
  const moved: PodSets = { ...next, template: hash, newPods: 0, newAvailable: 0, oldPods: sets.oldPods + sets.newAvailable };
  if (sets.template) moved.oldTemplate = sets.template;
  return moved;
}

/**
 * One move of a rolling update with maxSurge 1 and maxUnavailable 0: start a new pod, let it become
 * available, then retire an old one. Returns undefined when there is nothing left to do.
 */
export function movePods(sets: PodSets, desired: number): PodSets | undefined {
  const { newPods, newAvailable, oldPods } = sets;
  if (oldPods > 0 && newAvailable + oldPods > desired) return { ...sets, oldPods: oldPods - 1 };
  if (newPods > newAvailable) return { ...sets, newAvailable: newAvailable + 1 };
  if (newPods < desired) return { ...sets, newPods: newPods + 1 };
  if (newPods > desired) return { ...sets, newPods: newPods - 1, newAvailable: Math.min(newAvailable, newPods - 1) };
  if (oldPods > 0) return { ...sets, oldPods: oldPods - 1 };
  return undefined;
}

export const rolledOut = (sets: PodSets, desired: number): boolean =>
  sets.newPods === desired && sets.newAvailable === desired && sets.oldPods === 0;
