import { isObject } from './json.js';
import type { Json, KubeObject } from './types.js';

/** A workload as tests describe it; the rest of the manifest is filled in as a chart would. */
export interface WorkloadSpec {
  namespace: string;
  name: string;
  /** The image of the main container, which is named after the workload. */
  image: string;
  /** Default 3. */
  replicas?: number;
  /** More containers after the main one, e.g. a sidecar. */
  sidecars?: Array<{ name: string; image: string }>;
  labels?: Record<string, string>;
}

function podTemplate(spec: WorkloadSpec): Json {
  return {
    metadata: { labels: { app: spec.name } },
    spec: { containers: [{ name: spec.name, image: spec.image }, ...(spec.sidecars ?? [])] },
  };
}

export function deploymentManifest(spec: WorkloadSpec): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name, ...spec.labels } },
    spec: {
      replicas: spec.replicas ?? 3,
      selector: { matchLabels: { app: spec.name } },
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: podTemplate(spec),
    },
  };
}

export function rolloutManifest(spec: WorkloadSpec & { strategy?: 'canary' | 'blueGreen' }): Json {
  const strategy =
    spec.strategy === 'blueGreen'
      ? { blueGreen: { activeService: `${spec.name}-active`, previewService: `${spec.name}-preview` } }
      : { canary: { steps: [{ setWeight: 20 }, { pause: { duration: '1m' } }, { setWeight: 60 }, { pause: { duration: '1m' } }] } };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name, ...spec.labels } },
    spec: {
      replicas: spec.replicas ?? 3,
      selector: { matchLabels: { app: spec.name } },
      progressDeadlineSeconds: 600,
      strategy,
      template: podTemplate(spec),
    },
  };
}

/** Sets one container's image (the first one when `container` is not named) in the pod template. */
export function setContainerImage(object: KubeObject, image: string, container?: string): void {
  const template = isObject(object.spec.template) ? object.spec.template : undefined;
  const podSpec = template && isObject(template.spec) ? template.spec : undefined;
  const containers = podSpec && Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const target = containers.find((c): c is Json => isObject(c) && (container === undefined || c.name === container));
  if (!target) throw new TypeError(`${object.kind} ${object.metadata.namespace}/${object.metadata.name} has no container ${container ?? ''}`.trim());
  target.image = image;
}
