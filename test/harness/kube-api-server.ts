/**
 * The test Kubernetes API server: several clusters of Deployments and Argo Rollouts over HTTP, with
 * watch, resourceVersion, 409 and 410, a simulated controller and faults. See
 * `kube-api-server/server.ts` for the server and `kube-api-server/cluster-handle.ts` for the
 * control API.
 */
export * from './kube-api-server/index.js';
