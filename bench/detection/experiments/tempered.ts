/**
 * A prototype of a variance-inflated (tempered) changing-split test for overdispersed errors —
 * benchmark code, not the judge. The conditional binomial likelihood counts every bad request as an
 * independent trial; when errors come in clusters (retries, a bad pod) the unit of independence is
 * the cluster, and the log-likelihood overstates the evidence by the dispersion factor
 * φ ≈ E[S²]/E[S] of the cluster size S. Quasi-likelihood divides it back out:
 *
 *   ln M_t = ln Σ_j w_j exp(ℓ_t(g_j) / φ̂_t),
 *
 * with φ̂_t = max(1, X²/(k − 1)), X² the Pearson statistic of the canary counts around the fitted
 * ratio (conditional on each interval's total), k the intervals with bad events so far. For
 * clusters of a fixed size S, exp(ℓ/S) is exactly a martingale under the null (each cluster is one
 * Bernoulli(θ0) trial); with φ̂ estimated it is approximate, hence this benchmark. A single interval
 * cannot show its own dispersion, so the test may not fire before `minIntervals` intervals with
 * bad events.
 */
import { type IntervalCounts, prepareIntervals, preparedLogLikelihood } from '../../../src/core/stats/interval-counts.js';
import { preparedLogRatioEstimate } from '../../../src/core/stats/rate-ratio-estimate.js';
import { DEFAULT_ONE_SIDED_GRID } from '../../../src/core/stats/ratio-grid.js';

/** Pearson dispersion of the canary's counts around θ_i(r̂), conditional on each interval's total. */
export function splitDispersion(intervals: readonly IntervalCounts[]): { phi: number; k: number } {
  const p = prepareIntervals(intervals);
  const k = p.m.length;
  if (k < 2) return { phi: 1, k };
  const s = preparedLogRatioEstimate(p);
  const r = Math.exp(Math.max(-7, Math.min(7, Number.isNaN(s) ? 0 : s)));
  let x2 = 0;
  for (let i = 0; i < k; i++) {
    const nB = p.nB[i] as number;
    const theta = (r * nB) / ((p.nA[i] as number) + r * nB);
    const m = p.m[i] as number;
    x2 += ((p.xB[i] as number) - m * theta) ** 2 / (m * theta * (1 - theta));
  }
  return { phi: Math.max(1, x2 / (k - 1)), k };
}

/**
 * ln of the tempered one-sided mixture against "ratio ≤ rNull"; −∞ before `minIntervals` informative
 * intervals. φ = max(fixedPhi, split dispersion if `useSplit`).
 */
export function temperedLogE(intervals: readonly IntervalCounts[], opts: { rNull: number; minIntervals: number; fixedPhi?: number; useSplit?: boolean }): number {
  const split = splitDispersion(intervals);
  const k = split.k;
  const phi = Math.max(opts.fixedPhi ?? 1, opts.useSplit === false ? 1 : split.phi);
  if (k < opts.minIntervals) return -Infinity;
  const p = prepareIntervals(intervals);
  const g = DEFAULT_ONE_SIDED_GRID;
  const terms = g.ratios.map((ratio, j) => Math.log(g.weights[j] as number) + preparedLogLikelihood(p, opts.rNull * ratio, opts.rNull) / phi);
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - max), 0));
}
