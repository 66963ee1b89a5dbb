import { WavegateError } from './wavegate-error.js';

/**
 * What a metrics failure carries for machines. Every string here has been redacted by the adapter:
 * no credentials, ever (endpoints are printed without user-info).
 */
export type MetricsErrorDetails = {
  /** Endpoint that failed, e.g. `http://prometheus:9090/api/v1/query`. */
  endpoint?: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Prometheus' `errorType` (`bad_data`, `execution`, `timeout`, `unavailable`, …). */
  errorType?: string;
  /** The PromQL that failed. */
  query?: string;
  /** HTTP attempts made, retries included. */
  attempts?: number;
  /** From a 429/503 `Retry-After`: how long the server asked us to wait. */
  retryAfterMs?: number;
  /** The per-attempt timeout that fired. */
  timeoutMs?: number;
  /** Transport error code (ECONNREFUSED, ECONNRESET, …). */
  networkCode?: string;
};

/** Base of the metrics-query failures; match on the subclasses, never on message text. */
export abstract class MetricsError extends WavegateError {
  declare readonly details: MetricsErrorDetails;

  constructor(message: string, details: MetricsErrorDetails, options?: { cause?: unknown }) {
    super(message, details, options);
  }
}

/**
 * Prometheus refused the query itself: 400 `bad_data` (parse error, bad parameters) or 422
 * `execution` (e.g. a bad regex, too many samples), or it returned a type the port cannot carry
 * (a string or, for an instant query, a range vector). A template error: asking again cannot help.
 */
export class MetricsQueryRejectedError extends MetricsError {
  readonly code = 'METRICS_QUERY_INVALID';
}

/**
 * Prometheus could not be asked or could not answer now: 503 (`timeout`, `unavailable`), 429 (rate
 * limited; `details.retryAfterMs` holds its Retry-After), other 5xx, network errors and our own
 * timeouts. Retryable — except for answers that will not change by waiting (401/403/404 and other
 * unexpected 4xx: a misconfigured endpoint or credentials), which carry `retryable: false`.
 */
export class MetricsUnavailableError extends MetricsError {
  readonly code = 'METRICS_UNAVAILABLE';
  override readonly retryable: boolean;

  constructor(message: string, details: MetricsErrorDetails, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, details, options);
    this.retryable = options?.retryable ?? true;
  }
}

/**
 * The answer was not what the Prometheus API promises: not JSON, or JSON of the wrong shape
 * (e.g. a proxy's error page with status 200, a truncated body). Retryable: usually transient.
 */
export class MetricsResponseError extends MetricsError {
  readonly code = 'METRICS_BAD_RESPONSE';
  override readonly retryable = true;
}
