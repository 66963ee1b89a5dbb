import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { clusterHandle, type ClusterHandle } from './cluster-handle.js';
import { createClusterState, type ClusterOptions, type ClusterState } from './cluster-state.js';
import { handleRequest } from './handler.js';
import { kubeconfigYaml } from './kubeconfig.js';

export interface KubeApiServerOptions {
  /** Cluster names, or options per cluster (token, RBAC user, whether Rollouts are served). */
  clusters: Array<string | ClusterOptions>;
  /** Events kept per cluster for watches; older resourceVersions get 410 Gone (default 1000). */
  eventWindow?: number;
  /** How often watches with `allowWatchBookmarks=true` get a BOOKMARK (default 30 s; real servers ~1 min). */
  bookmarkIntervalMs?: number;
}

export interface KubeconfigOptions {
  /** Context name per cluster (default: the cluster name). */
  contexts?: Record<string, string>;
  /** Bearer token per cluster (default: the token the cluster requires, if any). */
  tokens?: Record<string, string>;
  currentContext?: string;
}

export interface KubeApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** A cluster's API root, its kubeconfig `server:` — `<url>/clusters/<name>`. */
  serverUrl(cluster: string): string;
  /** A kubeconfig (YAML) with a cluster, a user and a context per simulated cluster. */
  kubeconfig(options?: KubeconfigOptions): string;
  cluster(name: string): ClusterHandle;
  /** Stops controllers, ends watches and hanging requests, and closes the port. */
  close(): Promise<void>;
}

/**
 * A Kubernetes API server for tests: one node:http server on a free 127.0.0.1 port serving several
 * clusters, each under its own path prefix, with apps/v1 Deployments and argoproj.io/v1alpha1
 * Rollouts (get, list, watch, create, update, patch, delete, and the status subresource).
 */
export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const clusters = new Map<string, ClusterState>();
  for (const entry of options.clusters) {
    const cluster = typeof entry === 'string' ? { name: entry } : entry;
    if (clusters.has(cluster.name)) throw new TypeError(`cluster ${cluster.name} is listed twice`);
    clusters.set(cluster.name, createClusterState(cluster, options.eventWindow ?? 1000));
  }
  const handles = new Map([...clusters].map(([name, state]) => [name, clusterHandle(state)]));
  const sockets = new Set<Socket>();
  const context = { clusters, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000 };

  const server = createServer((req, res) => void handleRequest(req, res, context));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the test API server has no port');
  const url = `http://127.0.0.1:${address.port}`;
  const serverUrl = (name: string) => `${url}/clusters/${encodeURIComponent(name)}`;

  return {
    url,
    serverUrl,
    kubeconfig: (opts = {}) =>
      kubeconfigYaml(
        [...clusters.values()].map((c) => {
          const token = opts.tokens?.[c.name] ?? c.token;
          return { cluster: c.name, context: opts.contexts?.[c.name] ?? c.name, server: serverUrl(c.name), ...(token ? { token } : {}) };
        }),
        opts.currentContext,
      ),
    cluster: (name) => {
      const handle = handles.get(name);
      if (!handle) throw new TypeError(`the test API server has no cluster ${name}`);
      return handle;
    },
    close: async () => {
      for (const state of clusters.values()) {
        state.controller.stop();
        for (const stream of [...state.streams]) stream.close();
      }
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
