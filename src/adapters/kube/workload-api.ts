import { ApiException, type AppsV1Api, type CustomObjectsApi } from '@kubernetes/client-node';
import type { WorkloadRef } from '../../core/rollout/cluster-client.js';
import { KubeBadResponseError } from '../../errors/kube-errors.js';
import { callApi } from './call-api.js';
import { describeCall, statusOfBody, type CallContext } from './classify-error.js';

/** Argo Rollouts' custom resource. */
const ROLLOUTS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' } as const;

/** Reads one workload kind, whichever generated API serves it. Objects come back unjudged. */
export interface WorkloadApi {
  /** The object, or null when the API server says this workload does not exist. */
  get(ref: WorkloadRef, signal?: AbortSignal): Promise<unknown>;
  /** The workload (if present) and the list's resourceVersion, the point a watch starts from. */
  list(ref: WorkloadRef, signal?: AbortSignal): Promise<{ item: unknown; resourceVersion: string }>;
  /** The collection path a Watch follows, relative to the cluster's server URL. */
  watchPath(ref: WorkloadRef): string;
}

export function workloadApi(apps: AppsV1Api, custom: CustomObjectsApi, base: Omit<CallContext, 'details'> & { context: string }): WorkloadApi {
  const ctx = (ref: WorkloadRef, operation: string): CallContext => ({
    ...base,
    details: { cluster: ref.cluster, context: base.context, namespace: ref.namespace, kind: ref.kind, name: ref.name, operation },
  });
  const byName = (ref: WorkloadRef) => `metadata.name=${ref.name}`;

  return {
    get: (ref, signal) =>
      callApi(
        ctx(ref, 'get'),
        async (options) => {
          try {
            return ref.kind === 'Deployment'
              ? await apps.readNamespacedDeployment({ namespace: ref.namespace, name: ref.name }, options)
              : await custom.getNamespacedCustomObject({ ...ROLLOUTS, namespace: ref.namespace, name: ref.name }, options);
          } catch (error) {
            if (error instanceof ApiException && error.code === 404) return notFound(ref, error, ctx(ref, 'get'));
            throw error;
          }
        },
        signal,
      ),

    list: (ref, signal) =>
      callApi(
        ctx(ref, 'list'),
        async (options) => {
          const list: unknown =
            ref.kind === 'Deployment'
              ? await apps.listNamespacedDeployment({ namespace: ref.namespace, fieldSelector: byName(ref) }, options)
              : await custom.listNamespacedCustomObject({ ...ROLLOUTS, namespace: ref.namespace, fieldSelector: byName(ref) }, options);
          const { items, metadata } = (list ?? {}) as { items?: unknown; metadata?: { resourceVersion?: unknown } };
          const resourceVersion = metadata?.resourceVersion;
          if (!Array.isArray(items) || typeof resourceVersion !== 'string' || resourceVersion === '') {
            throw new KubeBadResponseError(`${describeCall(ctx(ref, 'list').details)}: the answer is not a list with a resourceVersion`, ctx(ref, 'list').details, { retryable: true });
          }
          return { item: items[0], resourceVersion };
        },
        signal,
      ),

    watchPath: (ref) =>
      ref.kind === 'Deployment'
        ? `/apis/apps/v1/namespaces/${encodeURIComponent(ref.namespace)}/deployments`
        : `/apis/${ROLLOUTS.group}/${ROLLOUTS.version}/namespaces/${encodeURIComponent(ref.namespace)}/${ROLLOUTS.plural}`,
  };
}

/**
 * A 404 means "no such workload" only when the API server's Status names it. Anything else — a
 * Status without that name, or a bare 404 page — means the path itself is not served: for Rollouts,
 * the Argo Rollouts CRD is not installed. Waiting will not change that.
 */
function notFound(ref: WorkloadRef, error: ApiException<unknown>, ctx: CallContext): null {
  const status = statusOfBody(error.body);
  if (status.reason === 'NotFound' && status.name === ref.name) return null;
  const what = ref.kind === 'Rollout' ? 'rollouts.argoproj.io/v1alpha1 (is Argo Rollouts installed?)' : 'deployments.apps/v1';
  throw new KubeBadResponseError(`${describeCall(ctx.details)}: the cluster does not serve ${what}`, { ...ctx.details, status: 404 }, { retryable: false });
}
