/**
 * Conditional maximum-likelihood estimate of the canary/baseline rate ratio, pooled over intervals
 * whose traffic split differs. The score in s = ln r is
 *   ℓ'(s) = X_B − Σ_i m_i θ_i(s),  θ_i(s) = e^s n_Bi / (n_Ai + e^s n_Bi),
 * strictly decreasing in s (ℓ is concave), so the root is unique when both arms have bad events.
 * With one split throughout, the root is exactly the ratio of rates (x_B/n_B)/(x_A/n_A).
 */
import { type IntervalCounts, type PreparedIntervals, prepareIntervals } from './interval-counts.js';

/** Σ_i m_i θ_i(s) − X_B and its derivative Σ_i m_i θ_i (1 − θ_i). */
function score(p: PreparedIntervals, s: number): { f: number; df: number } {
  const r = Math.exp(s);
  let f = -p.totalB;
  let df = 0;
  for (let i = 0; i < p.m.length; i++) {
    const rb = r * (p.nB[i] as number);
    const theta = rb / ((p.nA[i] as number) + rb);
    const mi = p.m[i] as number;
    f += mi * theta;
    df += mi * theta * (1 - theta);
  }
  return { f, df };
}

/** ln of the ratio of pooled rates: the exact MLE for a constant split, a start point otherwise. */
function pooledLogRatio(p: PreparedIntervals): number {
  let weightedA = 0;
  let weightedB = 0;
  for (let i = 0; i < p.m.length; i++) {
    weightedA += p.nA[i] as number;
    weightedB += p.nB[i] as number;
  }
  return Math.log(p.totalB / weightedB / (p.totalA / weightedA));
}

/**
 * The MLE of ln r on prepared intervals: −∞ when the canary has no bad events, +∞ when the baseline
 * has none, NaN when neither has. Safeguarded Newton (falls back to bisection inside a bracket).
 */
export function preparedLogRatioEstimate(p: PreparedIntervals): number {
  if (p.totalA <= 0 && p.totalB <= 0) return NaN;
  if (p.totalB <= 0) return -Infinity;
  if (p.totalA <= 0) return Infinity;
  let s = pooledLogRatio(p);
  // Bracket: f(lo) < 0 < f(hi).
  let lo = s - 1;
  let hi = s + 1;
  while (score(p, lo).f > 0) lo -= 2 * (hi - lo);
  while (score(p, hi).f < 0) hi += 2 * (hi - lo);
  for (let iter = 0; iter < 200; iter++) {
    const { f, df } = score(p, s);
    if (f === 0) return s;
    if (f < 0) lo = s;
    else hi = s;
    let next = s - f / df;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - s) < 1e-13 * Math.max(1, Math.abs(s))) return next;
    s = next;
  }
  return s;
}

/**
 * Point estimate of the canary/baseline rate ratio (conditional MLE, pooled over intervals).
 * 0 when the canary has no bad events, +∞ when the baseline has none, NaN when no interval has
 * bad events in a usable interval (see prepareIntervals).
 */
export function rateRatioEstimate(intervals: readonly IntervalCounts[]): number {
  return Math.exp(preparedLogRatioEstimate(prepareIntervals(intervals)));
}
