/**
 * Grid-mixture e-values for the canary/baseline rate ratio with a changing traffic split
 * (STATISTICS.md, "Changing traffic split"):
 *   M_t = Σ_j w_j exp(ln L_t(rNull·g_j) − ln L_t(rNull)).
 * Each term is a likelihood ratio of the conditional binomials of interval-counts.ts, a martingale
 * with mean 1 under ratio = rNull; a mixture with weights summing to 1 is one too.
 */
import { type PreparedIntervals, preparedLogLikelihood } from './interval-counts.js';
import type { RatioGrid } from './ratio-grid.js';

/** ln M_t on prepared intervals, by log-sum-exp over the grid. */
export function preparedMixtureLogE(p: PreparedIntervals, rNull: number, grid: RatioGrid): number {
  const terms = new Float64Array(grid.ratios.length);
  let max = -Infinity;
  for (let j = 0; j < terms.length; j++) {
    const g = grid.ratios[j] as number;
    const t = Math.log(grid.weights[j] as number) + preparedLogLikelihood(p, rNull * g, rNull);
    terms[j] = t;
    if (t > max) max = t;
  }
  if (max === -Infinity || max === Infinity || Number.isNaN(max)) return max;
  let sum = 0;
  for (let j = 0; j < terms.length; j++) sum += Math.exp((terms[j] as number) - max);
  return max + Math.log(sum);
}
