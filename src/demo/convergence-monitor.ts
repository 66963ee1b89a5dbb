import { imageTag, workloadConverged } from '../core/rollout/cluster-client.js';
import type { SimulatedDeployment } from './simulated-cluster.js';

/**
 * Watches the simulated Deployments the way `kubectl rollout status` would and reports each cluster
 * finishing a rollout: the version it now runs, its replicas, and how long it took since the
 * controller first saw the change. Returns a function that stops watching.
 */
export function monitorConvergence(
  deployments: ReadonlyMap<string, SimulatedDeployment>,
  now: () => number,
  onConverged: (e: { cluster: string; version: string; available: number; replicas: number; tookMs: number }) => void,
  pollMs = 200,
): () => void {
  const state = new Map<string, { generation: number; since: number; reported: boolean }>();
  const check = () => {
    for (const [cluster, d] of deployments) {
      const s = d.observe(now());
      if (!s) continue;
      let seen = state.get(cluster);
      if (!seen) {
        state.set(cluster, { generation: s.generation, since: now(), reported: true }); // what ran before the demo
        continue;
      }
      if (s.generation !== seen.generation) state.set(cluster, (seen = { generation: s.generation, since: now(), reported: false }));
      if (!seen.reported && workloadConverged(s).converged) {
        seen.reported = true;
        onConverged({ cluster, version: imageTag(s.images[0] ?? '') ?? '?', available: s.availableReplicas, replicas: s.replicas, tookMs: now() - seen.since });
      }
    }
  };
  check();
  const timer = setInterval(check, pollMs);
  return () => clearInterval(timer);
}
