export { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions, type KubeconfigOptions } from './server.js';
export type { ClusterHandle } from './cluster-handle.js';
export type { ClusterOptions, RecordedRequest } from './cluster-state.js';
export type { KubeFault, RequestMatch } from './faults.js';
export type { KubeObject, WorkloadKey, WorkloadKind } from './types.js';
export type { WorkloadSpec } from './workloads.js';
