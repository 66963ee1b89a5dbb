/**
 * Canary vs baseline rate ratio when the traffic split changes between intervals: likelihood,
 * mixture e-values, point estimate and confidence sequence. See interval-counts.ts for the model
 * and ratio-grid.ts for the mixing grid.
 */
import { type IntervalCounts, prepareIntervals } from './interval-counts.js';
import { preparedMixtureLogE } from './rate-ratio-mixture.js';
import { DEFAULT_ONE_SIDED_GRID, type RatioGrid, twoSidedGrid } from './ratio-grid.js';

export { type IntervalCounts, ratioLogLikelihood } from './interval-counts.js';
export { type RatioGrid, DEFAULT_ONE_SIDED_GRID, REGRESSION_GRID, twoSidedGrid, ratioGrid } from './ratio-grid.js';
export { rateRatioEstimate } from './rate-ratio-estimate.js';
export { rateRatioConfidenceSequence, type RateRatioInterval } from './rate-ratio-confidence.js';

/**
 * ln of the one-sided mixture e-value against "canary/baseline ratio ≤ rNull":
 *   ln Σ_j w_j exp(ratioLogLikelihood(intervals, rNull·g_j, rNull)),  all g_j > 1.
 *
 * Why it is valid for the whole composite null and not just ratio = rNull: conditional on an
 * interval's bad-event total the canary count is binomial in θ_i(r), a family with monotone
 * likelihood ratio, and each term's likelihood ratio (g_j > 1) increases with the canary count.
 * Its expectation under a true ratio r ≤ rNull is therefore ≤ its expectation under rNull, which
 * is 1. So every term, and the mixture, is a nonnegative supermartingale under any r ≤ rNull and
 * Ville's inequality bounds P(ever ≥ 1/α) by α. Fail when the result ≥ ln(1/α).
 */
export function rateRatioLogE(
  intervals: readonly IntervalCounts[],
  opts: { rNull: number; grid?: RatioGrid },
): number {
  const grid = opts.grid ?? DEFAULT_ONE_SIDED_GRID;
  return preparedMixtureLogE(prepareIntervals(intervals), opts.rNull, grid);
}

/**
 * ln of the two-sided mixture e-value against "ratio = rNull" (the grid's multipliers and their
 * reciprocals, half weight each). Membership test of the confidence sequence, and the per-bucket
 * factor of the distribution-shift test.
 */
export function rateRatioTwoSidedLogE(
  intervals: readonly IntervalCounts[],
  opts: { rNull: number; grid?: RatioGrid },
): number {
  const grid = twoSidedGrid(opts.grid ?? DEFAULT_ONE_SIDED_GRID);
  return preparedMixtureLogE(prepareIntervals(intervals), opts.rNull, grid);
}
