import { workloadConverged, type ClusterClient, type WorkloadRef, type WorkloadStatus } from '../core/rollout/cluster-client.js';
import { KubeClusterUnknownError } from '../errors/kube-errors.js';
import type { Cluster } from '../core/rollout/fleet.js';
import type { SimulatedDeployment } from './simulated-cluster.js';

const sameWorkload = (a: WorkloadRef, b: WorkloadRef) => a.namespace === b.namespace && a.kind === b.kind && a.name === b.name;

/**
 * The `ClusterClient` port over the simulated Deployments (one per cluster), for
 * `buildApp(…, { clusterClients })`. Like the Kubernetes adapter: an unknown cluster throws
 * KUBE_CLUSTER_UNKNOWN, a workload that is not there is `null`.
 */
export function simulatedClusterClients(deployments: ReadonlyMap<string, SimulatedDeployment>, now: () => number, watchPollMs = 200) {
  const status = (ref: WorkloadRef): WorkloadStatus | null => {
    const deployment = deployments.get(ref.cluster);
    if (!deployment) throw new KubeClusterUnknownError(`cluster "${ref.cluster}" is not simulated`, { cluster: ref.cluster });
    if (!sameWorkload(deployment.ref, ref)) return null;
    const observed = deployment.observe(now());
    return observed ? { ...observed, ...workloadConverged(observed) } : null;
  };
  const client: ClusterClient = {
    async workloadStatus(ref) {
      return status(ref);
    },
    async watchWorkload(ref, onChange, signal) {
      let last: string | null | undefined;
      while (!signal.aborted) {
        const s = status(ref);
        const version = s?.resourceVersion ?? null;
        if (version !== last) {
          last = version;
          onChange(s);
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, watchPollMs);
          signal.addEventListener('abort', done, { once: true });
        });
      }
    },
  };
  return (_fleet: Cluster[]) => (_cluster: string): ClusterClient => client;
}
