/** The shapes the test API server stores and serves. Objects are plain JSON, as on the wire. */

export type Json = Record<string, unknown>;

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Json;
  status: Json;
  [field: string]: unknown;
}

/** The workload kinds the server serves, by the name a test uses. */
export type WorkloadKind = 'Deployment' | 'Rollout';

/** One served resource type: where it lives in the URL space and what its objects are called. */
export interface ResourceType {
  kind: WorkloadKind;
  listKind: string;
  group: string;
  version: string;
  plural: string;
  /** CRDs reject strategic-merge patches (415), as a real API server does. */
  custom: boolean;
}

export const DEPLOYMENTS: ResourceType = {
  kind: 'Deployment',
  listKind: 'DeploymentList',
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  custom: false,
};

export const ROLLOUTS: ResourceType = {
  kind: 'Rollout',
  listKind: 'RolloutList',
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'rollouts',
  custom: true,
};

export const RESOURCE_TYPES: readonly ResourceType[] = [DEPLOYMENTS, ROLLOUTS];

export const apiVersionOf = (type: ResourceType): string => `${type.group}/${type.version}`;

export const resourceOfKind = (kind: WorkloadKind): ResourceType => (kind === 'Deployment' ? DEPLOYMENTS : ROLLOUTS);

/** Names one workload in one cluster, for the control API. A `WorkloadRef` from the port fits. */
export interface WorkloadKey {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** Kubernetes API verbs, as RBAC names them. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
