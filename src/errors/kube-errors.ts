import { WavegateError } from './wavegate-error.js';

/**
 * What a Kubernetes failure carries for machines. Every string has been redacted by the adapter: no
 * bearer token, password or client key from a kubeconfig, ever — even when a proxy echoes them.
 */
export type KubeErrorDetails = {
  /** The fleet cluster name (not the kube context). */
  cluster?: string;
  /** The kube context used for the cluster. */
  context?: string;
  namespace?: string;
  kind?: string;
  name?: string;
  /** What the adapter was doing: `get`, `list` or `watch`. */
  operation?: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** The `reason` of the API server's `Status` object (`Forbidden`, `Expired`, `InternalError`, …). */
  reason?: string;
  /** The per-call timeout that fired. */
  timeoutMs?: number;
  /** Transport error code (ECONNREFUSED, ECONNRESET, …). */
  networkCode?: string;
};

/** Base of the Kubernetes failures; match on the subclasses, never on message text. */
export abstract class KubeError extends WavegateError {
  declare readonly details: KubeErrorDetails;

  constructor(message: string, details: KubeErrorDetails, options?: { cause?: unknown }) {
    super(message, details, options);
  }
}

/**
 * The API server could not be reached or could not answer now: network errors, our own timeouts,
 * 5xx, 429. Retryable.
 */
export class KubeUnavailableError extends KubeError {
  readonly code = 'KUBE_UNAVAILABLE';
  override readonly retryable = true;
}

/** 401 or 403: the credentials are missing, wrong, or lack the RBAC to read the workload. */
export class KubeForbiddenError extends KubeError {
  readonly code = 'KUBE_FORBIDDEN';
}

/** The cluster is not in the fleet configuration, or its kube context is not in the kubeconfig. */
export class KubeClusterUnknownError extends KubeError {
  readonly code = 'KUBE_CLUSTER_UNKNOWN';
}

/**
 * The answer is not what the Kubernetes API promises: not JSON, the wrong shape, an unexpected 4xx,
 * or a kind the cluster does not serve (e.g. Rollouts without Argo Rollouts installed). Retryable
 * only when it looks transient (a garbled body); `retryable: false` for answers that waiting will
 * not change.
 */
export class KubeBadResponseError extends KubeError {
  readonly code = 'KUBE_BAD_RESPONSE';
  override readonly retryable: boolean;

  constructor(message: string, details: KubeErrorDetails, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, details, options);
    this.retryable = options?.retryable ?? false;
  }
}
