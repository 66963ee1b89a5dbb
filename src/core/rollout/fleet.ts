/**
 * The fleet: clusters with labels (region, cloud, env, …), how to read each one (kube context) and
 * how its series are told apart in Prometheus (scope labels, e.g. { cluster: "eu-west-1a" }).
 */
export interface Cluster {
  name: string;
  labels: Record<string, string>;
  /** kubeconfig context used to read rollout status in this cluster. */
  context: string;
  /** Label matchers that select this cluster's series in Prometheus. */
  scope: Record<string, string>;
}

export interface Fleet {
  clusters: Cluster[];
}
