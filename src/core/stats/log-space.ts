/**
 * Arithmetic on logarithms. Every sequential test here multiplies likelihood ratios and tail
 * probabilities that under- or overflow doubles long before they stop mattering, so sums and
 * complements are taken in log space (STATISTICS.md, "Numerics that bite").
 */

/**
 * ln Σ exp(x_i), shifted by the maximum so that no term overflows and the largest never underflows.
 * Empty input (or all −∞) is ln 0 = −∞; any +∞ gives +∞; any NaN gives NaN.
 */
export function logSumExp(xs: readonly number[]): number {
  let max = -Infinity;
  for (const x of xs) {
    if (Number.isNaN(x)) return NaN;
    if (x > max) max = x;
  }
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/** ln(e^a + e^b) for two terms, without the array. */
export function logAddExp(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  const max = a > b ? a : b;
  const min = a > b ? b : a;
  if (max === -Infinity || max === Infinity) return max;
  return max + Math.log1p(Math.exp(min - max));
}

/**
 * ln(1 − e^x) for x ≤ 0, i.e. the log of a complement probability given its log.
 * Two branches, as in Mächler, "Accurately Computing log(1 − exp(−|a|))" (Rmpfr vignette, 2012):
 * near 0 the complement is small and expm1 keeps its digits; far below, 1 − e^x is near 1 and
 * log1p keeps them. x = 0 → −∞ (the complement of certainty); x > 0 is not a probability → NaN.
 */
export function log1mExp(x: number): number {
  if (Number.isNaN(x) || x > 0) return NaN;
  if (x === 0) return -Infinity;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * log1p(t) − t, accurate also when |t| is small (where the subtraction would cancel): the series
 * −t²/2 + t³/3 − … for |t| < 0.1. Used to write Stirling-type prefactors as a·log1pmx(t), which
 * keeps their absolute error O(1e-16·a·t²) instead of O(1e-16·a).
 */
export function log1pmx(t: number): number {
  if (Math.abs(t) >= 0.1) return Math.log1p(t) - t;
  // Alternating series; |t| < 0.1 so 17 terms reach 1e-17 relative.
  let term = -t * t;
  let sum = term / 2;
  for (let k = 3; k < 40; k++) {
    term *= -t;
    const next = term / k;
    sum += next;
    if (Math.abs(next) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}
