/**
 * Whole-distribution latency test: has the canary's histogram shape moved away from the
 * baseline's, anywhere (not only in the tail)?
 *
 * Conditional construction. Within a bucket k and interval i, if canary and baseline have the same
 * latency distribution (and the same per-request rate of landing in each bucket), each of the
 * bucket's events is the canary's with probability θ0i = n_Bi/(n_Ai+n_Bi), the interval's request
 * split — exactly the two-arm error-rate problem with "bad event" replaced by "event in bucket k".
 * The two-sided grid mixture of rate-ratio.ts is then a test martingale for bucket k.
 *
 * Why the product over buckets is valid: under the null, and given every bucket's total for the
 * interval, the canary counts of different buckets are independent binomials (Poisson counts split
 * independently). So conditional on the past and on all the interval's bucket totals, the
 * per-bucket factors are independent with mean 1 and their product has mean 1: the running
 * product is again a nonnegative martingale and Ville's inequality applies to it.
 *
 * Relation to Lindon & Malek (NeurIPS 2022): their Dirichlet-multinomial mixture tests a multinomial
 * against fixed null shares p0. Applied to the 2×K table (arm × bucket) it would need the bucket
 * shares, an unknown nuisance; conditioning on the bucket totals removes them and leaves K
 * binomials, each of which is the K = 2 case of their test (a Beta-binomial) — here with the
 * grid prior so that the split may change between intervals. dirichletMultinomialLogBF is their
 * statistic itself, for fixed shares.
 */
import { lnGamma } from './special.js';
import type { IntervalCounts } from './interval-counts.js';
import { prepareIntervals } from './interval-counts.js';
import { preparedMixtureLogE } from './rate-ratio-mixture.js';
import { DEFAULT_ONE_SIDED_GRID, type RatioGrid, twoSidedGrid } from './ratio-grid.js';

/**
 * Σ_k ln M_k: the ln e-value of "same distribution" over all buckets, where perBucketIntervals[k][i]
 * has the bucket's counts in xA/xB and the interval's arm totals in nA/nB. Buckets are the
 * non-cumulative ones (see bucketCounts). Fail when ≥ ln(1/α).
 */
export function distributionShiftLogE(
  perBucketIntervals: readonly (readonly IntervalCounts[])[],
  opts: { grid?: RatioGrid } = {},
): number {
  const grid = twoSidedGrid(opts.grid ?? DEFAULT_ONE_SIDED_GRID);
  let sum = 0;
  for (const intervals of perBucketIntervals) {
    sum += preparedMixtureLogE(prepareIntervals(intervals), 1, grid);
  }
  return sum;
}

/**
 * Lindon & Malek's Dirichlet-multinomial Bayes factor for counts x against null shares p0 with a
 * Dirichlet(α) prior (STATISTICS.md):
 *   ln BF = ln Γ(Σα_k) − ln Γ(Σα_k + n) + Σ_k [ln Γ(α_k + x_k) − ln Γ(α_k)] − Σ_k x_k ln p0_k.
 * Counts may be non-integer. Categories with x_k = 0 contribute nothing to the last sum even if
 * p0_k = 0; x_k > 0 with p0_k = 0 gives +∞ (impossible under the null).
 */
export function dirichletMultinomialLogBF(
  x: readonly number[],
  p0: readonly number[],
  alphaPrior: readonly number[],
): number {
  if (x.length !== p0.length || x.length !== alphaPrior.length) return NaN;
  let alphaSum = 0;
  let n = 0;
  let sum = 0;
  x.forEach((xk, k) => {
    const ak = alphaPrior[k] as number;
    const pk = p0[k] as number;
    alphaSum += ak;
    n += xk;
    sum += lnGamma(ak + xk) - lnGamma(ak);
    if (xk > 0) sum -= xk * Math.log(pk);
  });
  return lnGamma(alphaSum) - lnGamma(alphaSum + n) + sum;
}
