import { AppsV1Api, CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterClient, WorkloadRef } from '../../core/rollout/cluster-client.js';
import { classifyError } from './classify-error.js';
import { followWorkload, type WatchSettings } from './follow-workload.js';
import type { KubeClientLogger } from './logger.js';
import type { Redact } from './redact.js';
import { toWorkloadStatus } from './to-workload-status.js';
import { workloadApi } from './workload-api.js';

export interface KubeClusterClientOptions {
  cluster: string;
  context: string;
  /** Fixed on `context`; see `kubeConfigFor`. */
  kubeConfig: KubeConfig;
  timeoutMs: number;
  redact: Redact;
  watch: WatchSettings;
  logger: KubeClientLogger | undefined;
}

/** The ClusterClient of one fleet cluster. */
export function createKubeClusterClient(o: KubeClusterClientOptions): ClusterClient {
  const api = workloadApi(o.kubeConfig.makeApiClient(AppsV1Api), o.kubeConfig.makeApiClient(CustomObjectsApi), {
    context: o.context,
    redact: o.redact,
    timeoutMs: o.timeoutMs,
  });
  const watch = new Watch(o.kubeConfig);
  const detailsOf = (ref: WorkloadRef, operation: string) => ({ cluster: o.cluster, context: o.context, namespace: ref.namespace, kind: ref.kind, name: ref.name, operation });

  const requireOwnCluster = (ref: WorkloadRef) => {
    if (ref.cluster !== o.cluster) throw new TypeError(`the client of cluster ${o.cluster} was asked about ${ref.kind} ${ref.namespace}/${ref.name} in cluster ${ref.cluster}`);
  };

  return {
    async workloadStatus(ref) {
      requireOwnCluster(ref);
      const raw = await api.get(ref);
      return raw === null ? null : toWorkloadStatus(ref, raw, detailsOf(ref, 'get'));
    },

    async watchWorkload(ref, onChange, signal) {
      requireOwnCluster(ref);
      await followWorkload(
        {
          ref,
          api,
          watch,
          settings: o.watch,
          logger: o.logger,
          toStatus: (raw) => toWorkloadStatus(ref, raw, detailsOf(ref, 'watch')),
          classify: (error, operation) => classifyError(error, { details: detailsOf(ref, operation), redact: o.redact, timeoutMs: o.timeoutMs, timedOut: false }),
        },
        onChange,
        signal,
      );
    },
  };
}
