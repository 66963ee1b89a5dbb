import type { Measurement } from '../analysis/model.js';

/**
 * How trustworthy a metric's measurements have been. Argo Rollouts aborts after `consecutiveErrorLimit`
 * (default 4) errors in a row; we stop the metric as inconclusive at the same point, because a judge
 * that keeps waiting on a broken query only delays the rollback or promotion a human must decide.
 */
export interface MeasurementHealth {
  ok: number;
  nodata: number;
  error: number;
  consecutiveErrors: number;
  /** A query the template got wrong (Prometheus 400/422): retrying cannot help. */
  permanentError: Measurement['error'] | null;
  lastError: Measurement['error'] | null;
}

export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export function measurementHealth(measurements: readonly Measurement[]): MeasurementHealth {
  const health: MeasurementHealth = {
    ok: 0,
    nodata: 0,
    error: 0,
    consecutiveErrors: 0,
    permanentError: null,
    lastError: null,
  };
  for (const m of measurements) {
    health[m.phase] += 1;
    if (m.phase === 'error') {
      health.consecutiveErrors += 1;
      health.lastError = m.error ?? null;
      if (m.error && !m.error.retryable) health.permanentError = m.error;
    } else {
      health.consecutiveErrors = 0;
    }
  }
  return health;
}

/** Why the metric cannot be measured any more, or null while it still can. */
export function unmeasurableReason(health: MeasurementHealth, limit = DEFAULT_CONSECUTIVE_ERROR_LIMIT): string | null {
  if (health.permanentError) {
    return `the query is rejected by Prometheus (${health.permanentError.code}: ${health.permanentError.message})`;
  }
  if (health.consecutiveErrors > limit) {
    const last = health.lastError ? ` (last: ${health.lastError.code}: ${health.lastError.message})` : '';
    return `${health.consecutiveErrors} consecutive measurements failed${last}`;
  }
  return null;
}
