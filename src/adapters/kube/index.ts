export { createClusterClients, type ClusterClientsOptions } from './cluster-clients.js';
export type { WatchSettings } from './follow-workload.js';
export type { KubeClientLogger } from './logger.js';
