/**
 * What the peers read from one interval, computed from the same measurements wavegate gets, the
 * way their Prometheus queries would: the success rate is `sum(rate(non-5xx)) / sum(rate(all))`
 * over the interval (NaN with no requests, as 0/0 is in PromQL); p99 is `histogram_quantile(0.99, …)`
 * over the interval's bucket increases (NaN with no observations).
 */
import type { Buckets, Counts, Measurement } from '../../../src/core/analysis/model.js';
import { histogramQuantile } from '../../../src/core/stats/histogram.js';
import type { Scope } from '../../../src/core/analysis/model.js';

export interface IntervalValues {
  /** Share of non-5xx requests, 0..1, per arm. */
  successRate: Record<Scope, number>;
  /** Share of 5xx requests, 0..1, per arm (Kayenta's error-rate series). */
  errorRate: Record<Scope, number>;
  /** p99 latency in seconds, per arm. */
  p99: Record<Scope, number>;
}

const rate = (c: Counts) => (c.total > 0 ? c.bad / c.total : NaN);
const p99Of = (b: Buckets) => histogramQuantile(0.99, b.le, b.cumulative);

export function intervalValues(measurements: readonly Measurement[]): IntervalValues {
  const ratio = measurements.find((m) => m.data?.kind === 'ratio')?.data;
  const hist = measurements.find((m) => m.data?.kind === 'histogram')?.data;
  if (ratio?.kind !== 'ratio' || hist?.kind !== 'histogram') throw new Error('a tick needs a ratio and a histogram measurement');
  const errorRate = { canary: rate(ratio.canary), baseline: rate(ratio.baseline) };
  return {
    errorRate,
    successRate: { canary: 1 - errorRate.canary, baseline: 1 - errorRate.baseline },
    p99: { canary: p99Of(hist.canary), baseline: p99Of(hist.baseline) },
  };
}
