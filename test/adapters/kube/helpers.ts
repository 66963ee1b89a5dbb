import { AppsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { createClusterClients, type ClusterClientsOptions } from '../../../src/adapters/kube/index.js';
import type { WorkloadRef } from '../../../src/core/rollout/cluster-client.js';
import type { KubeApiServer } from '../../harness/kube-api-server.js';

/** A logger that keeps every line, to read back what the adapter said. */
export function recordingLogger() {
  const lines: Array<{ level: 'info' | 'warn'; msg: string; obj: Record<string, unknown> }> = [];
  return {
    lines,
    logger: {
      info: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'info', msg, obj }),
      warn: (obj: Record<string, unknown>, msg: string) => lines.push({ level: 'warn', msg, obj }),
    },
    text: () => lines.map((l) => `${l.msg} ${JSON.stringify(l.obj)}`).join('\n'),
  };
}

/** Clients for every cluster of the server, context = cluster name, with short test timings. */
export function clientsFor(server: KubeApiServer, clusters: string[], overrides: Partial<ClusterClientsOptions> = {}) {
  return createClusterClients({
    kubeconfigYaml: server.kubeconfig(),
    clusters: Object.fromEntries(clusters.map((c) => [c, { context: c }])),
    timeoutMs: 1_000,
    watch: { stallTimeoutMs: 400, retryBaseMs: 20, retryMaxMs: 100, random: () => 0.5 },
    ...overrides,
  });
}

/** The raw generated APIs, for testing the server through the real client. */
export function rawApis(server: KubeApiServer, context: string) {
  const config = new KubeConfig();
  config.loadFromString(server.kubeconfig({ currentContext: context }));
  return { apps: config.makeApiClient(AppsV1Api), custom: config.makeApiClient(CustomObjectsApi), config };
}

export const deploymentRef = (cluster: string, name = 'api', namespace = 'payments'): WorkloadRef => ({ cluster, namespace, kind: 'Deployment', name });
export const rolloutRef = (cluster: string, name = 'web', namespace = 'payments'): WorkloadRef => ({ cluster, namespace, kind: 'Rollout', name });

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Everything an error exposes: message, details, stack, cause and its JSON form. */
export function everything(error: unknown): string {
  const e = error as Error & { details?: unknown; cause?: unknown };
  return [e.message, e.stack, JSON.stringify(e), JSON.stringify(e.details), String(e.cause)].join('\n');
}
