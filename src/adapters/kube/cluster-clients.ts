import type { ClusterClient } from '../../core/rollout/cluster-client.js';
import { KubeClusterUnknownError } from '../../errors/kube-errors.js';
import type { WatchSettings } from './follow-workload.js';
import { createKubeClusterClient } from './kube-cluster-client.js';
import { kubeConfigFor, loadKubeconfig } from './kube-config.js';
import type { KubeClientLogger } from './logger.js';
import { makeRedactor, secretsOfUsers } from './redact.js';

export interface ClusterClientsOptions {
  /** A kubeconfig file, or `kubeconfigYaml`; neither: $KUBECONFIG, ~/.kube/config, else in-cluster. */
  kubeconfigPath?: string;
  kubeconfigYaml?: string;
  /** Fleet cluster name → the kube context that reaches it. */
  clusters: Record<string, { context: string }>;
  /** Bounds every get and list, and the wait for a watch's response headers. */
  timeoutMs: number;
  logger?: KubeClientLogger;
  watch?: Partial<WatchSettings>;
}

const WATCH_DEFAULTS: WatchSettings = {
  stallTimeoutMs: 90_000,
  serverTimeoutSeconds: 300,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
  maxConsecutiveFailures: 8,
  random: Math.random,
};

/**
 * One ClusterClient per fleet cluster, over @kubernetes/client-node. Every context is checked now, so
 * a bad fleet configuration fails at startup; asking for a cluster outside `clusters` throws
 * `KubeClusterUnknownError`.
 */
export function createClusterClients(options: ClusterClientsOptions): (cluster: string) => ClusterClient {
  if (!(options.timeoutMs > 0)) throw new TypeError('Kubernetes clients: timeoutMs must be positive');
  const base = loadKubeconfig(options);
  const redact = makeRedactor(secretsOfUsers(base.users));
  const watch = { ...WATCH_DEFAULTS, ...options.watch };
  const clients = new Map<string, ClusterClient>();
  for (const [cluster, { context }] of Object.entries(options.clusters)) {
    const kubeConfig = kubeConfigFor(base, cluster, context, options.timeoutMs);
    clients.set(cluster, createKubeClusterClient({ cluster, context, kubeConfig, timeoutMs: options.timeoutMs, redact, watch, logger: options.logger }));
  }
  return (cluster) => {
    const client = clients.get(cluster);
    if (!client) throw new KubeClusterUnknownError(`Kubernetes cluster ${cluster} is not in the fleet configuration`, { cluster });
    return client;
  };
}
