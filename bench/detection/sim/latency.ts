/**
 * Latency as Prometheus sees it: lognormal request durations counted into the Go client's default
 * histogram buckets (prometheus/client_golang DefBuckets: .005 … 10 s, then +Inf).
 */
import { normalCdf, normalQuantile } from '../../../src/core/stats/special.js';
import type { Buckets } from '../../../src/core/analysis/model.js';
import type { LatencyModel } from '../scenario.js';
import { multinomial } from './variates.js';

export const GO_DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];

const Z99 = normalQuantile(0.99);

export interface Lognormal {
  mu: number;
  sigma: number;
}

/**
 * Baseline and canary lognormals. The canary keeps the median and widens σ so that its p99 is
 * (1 + tailIncrease) × the baseline's: a regression at the tail, not a uniform slowdown.
 */
export function latencyPair(model: LatencyModel, tailIncrease: number): { baseline: Lognormal; canary: Lognormal } {
  const mu = Math.log(model.medianSeconds);
  const sigma = Math.log(model.p99Seconds / model.medianSeconds) / Z99;
  return { baseline: { mu, sigma }, canary: { mu, sigma: sigma + Math.log1p(tailIncrease) / Z99 } };
}

/** Probability of each (non-cumulative) bucket of GO_DEFAULT_BUCKETS. */
export function bucketProbabilities(d: Lognormal): number[] {
  let below = 0;
  return GO_DEFAULT_BUCKETS.map((le) => {
    const cdf = le === Infinity ? 1 : normalCdf((Math.log(le) - d.mu) / d.sigma);
    const p = Math.max(0, cdf - below);
    below = cdf;
    return p;
  });
}

/** P(duration > bound) for a bound that is a bucket edge. */
export function exceedance(d: Lognormal, bound: number): number {
  return 1 - normalCdf((Math.log(bound) - d.mu) / d.sigma);
}

/** n request durations binned into cumulative buckets, as `increase(…_bucket[1m])` reports them. */
export function sampleBuckets(random: () => number, n: number, probs: readonly number[]): Buckets {
  const counts = multinomial(random, n, probs);
  let acc = 0;
  return { le: [...GO_DEFAULT_BUCKETS], cumulative: counts.map((c) => (acc += c)) };
}
