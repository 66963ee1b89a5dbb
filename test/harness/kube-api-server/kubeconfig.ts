import { stringify } from 'yaml';

export interface KubeconfigEntry {
  cluster: string;
  context: string;
  server: string;
  token?: string;
}

/**
 * A kubeconfig with one cluster, user and context per entry. The servers are plain HTTP, which
 * @kubernetes/client-node refuses unless the cluster says `insecure-skip-tls-verify: true`.
 */
export function kubeconfigYaml(entries: KubeconfigEntry[], currentContext?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: entries.map((e) => ({ name: e.cluster, cluster: { server: e.server, 'insecure-skip-tls-verify': true } })),
    users: entries.map((e) => ({ name: `${e.cluster}-user`, user: e.token ? { token: e.token } : {} })),
    contexts: entries.map((e) => ({ name: e.context, context: { cluster: e.cluster, user: `${e.cluster}-user` } })),
    'current-context': currentContext ?? entries[0]?.context ?? '',
  });
}
