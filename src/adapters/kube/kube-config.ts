import type https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { RequestInit } from 'node-fetch';
import { KubeClusterUnknownError } from '../../errors/kube-errors.js';

/**
 * A KubeConfig whose Watch requests give up when no headers arrive in time. client-node 1.4's
 * `Watch` builds a 30 s timeout signal and then overwrites it with its own AbortController, which
 * it hands back only once the headers have arrived: a server that accepts the connection and never
 * answers would hold the watch forever. node-fetch's own `timeout` bounds that wait (and not the
 * streamed body, which the stall detector watches instead).
 */
export class WatchTimeoutKubeConfig extends KubeConfig {
  constructor(private readonly headersTimeoutMs: number) {
    super();
  }

  override async applyToFetchOptions(opts: https.RequestOptions): Promise<RequestInit> {
    const init = await super.applyToFetchOptions(opts);
    return { ...init, timeout: this.headersTimeoutMs };
  }
}

/**
 * Reads a kubeconfig from a file, from YAML, or — given neither — where kubectl would look
 * ($KUBECONFIG, ~/.kube/config) and else the pod's service account. Parse errors are reported
 * without the YAML parser's excerpt of the file, which could print a token.
 */
export function loadKubeconfig(source: { kubeconfigPath?: string; kubeconfigYaml?: string }): KubeConfig {
  if (source.kubeconfigPath !== undefined && source.kubeconfigYaml !== undefined) {
    throw new TypeError('Kubernetes clients: give kubeconfigPath or kubeconfigYaml, not both');
  }
  const config = new KubeConfig();
  try {
    if (source.kubeconfigPath !== undefined) config.loadFromFile(source.kubeconfigPath);
    else if (source.kubeconfigYaml !== undefined) config.loadFromString(source.kubeconfigYaml);
    else config.loadFromDefault();
  } catch (error) {
    const reason = (error as { reason?: unknown }).reason;
    const code = (error as { code?: unknown }).code;
    const why = typeof reason === 'string' ? reason : typeof code === 'string' ? code : 'invalid kubeconfig';
    throw new TypeError(`Kubernetes clients: cannot load the kubeconfig${source.kubeconfigPath ? ` ${source.kubeconfigPath}` : ''} (${why})`);
  }
  return config;
}

/**
 * A KubeConfig fixed on one context, for one fleet cluster. Fails at startup, not at the first
 * call: an unknown context is `KUBE_CLUSTER_UNKNOWN`; a plain-HTTP server without
 * `insecure-skip-tls-verify` is refused (client-node would throw on every request).
 */
export function kubeConfigFor(base: KubeConfig, cluster: string, context: string, headersTimeoutMs: number): KubeConfig {
  const config = new WatchTimeoutKubeConfig(headersTimeoutMs);
  config.loadFromOptions({ clusters: base.clusters, users: base.users, contexts: base.contexts, currentContext: context });
  const details = { cluster, context };
  if (!config.getContextObject(context)) {
    throw new KubeClusterUnknownError(`Kubernetes cluster ${cluster}: the kubeconfig has no context ${context}`, details);
  }
  const server = config.getCurrentCluster();
  if (!server) throw new KubeClusterUnknownError(`Kubernetes cluster ${cluster}: context ${context} names a cluster the kubeconfig does not define`, details);
  if (server.server.startsWith('http:') && !server.skipTLSVerify) {
    throw new TypeError(`Kubernetes cluster ${cluster}: a plain-HTTP server needs insecure-skip-tls-verify in the kubeconfig (context ${context})`);
  }
  return config;
}
