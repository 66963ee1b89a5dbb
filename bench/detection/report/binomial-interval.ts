/**
 * Exact (Clopper-Pearson) binomial confidence bounds for simulated rates, from the regularized
 * incomplete beta function of the core: the lower bound for k of n is the a-quantile of
 * Beta(k, n − k + 1), the upper the (1 − a)-quantile of Beta(k + 1, n − k).
 */
import { lnGamma, lnIncBeta } from '../../../src/core/stats/special.js';

/** x with I_x(a, b) = p, by bisection (I is increasing in x). */
export function betaQuantile(p: number, a: number, b: number): number {
  const target = Math.log(p);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (lnIncBeta(mid, a, b) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** One-sided lower bound at confidence 1 − a: the true rate is ≥ it with probability ≥ 1 − a. */
export function lowerBound(k: number, n: number, a: number): number {
  return k === 0 ? 0 : betaQuantile(a, k, n - k + 1);
}

/** One-sided upper bound at confidence 1 − a. */
export function upperBound(k: number, n: number, a: number): number {
  return k === n ? 1 : betaQuantile(1 - a, k + 1, n - k);
}

/** Two-sided interval at the given confidence (0.95 → 2.5% in each tail). */
export function clopperPearson(k: number, n: number, confidence = 0.95): [number, number] {
  const a = (1 - confidence) / 2;
  return [lowerBound(k, n, a), upperBound(k, n, a)];
}

/**
 * One-sided Fisher exact test that rate A (kA of nA) is higher than rate B (kB of nB): the
 * hypergeometric probability of A holding kA or more of the kA + kB events, given the margins.
 * Small when A's excess is beyond what two equal rates would give by chance.
 */
export function fisherGreater(kA: number, nA: number, kB: number, nB: number): number {
  const k = kA + kB;
  const n = nA + nB;
  const lnChoose = (a: number, b: number) => lnGamma(a + 1) - lnGamma(b + 1) - lnGamma(a - b + 1);
  const lnDenominator = lnChoose(n, k);
  let p = 0;
  for (let a = kA; a <= Math.min(k, nA); a++) p += Math.exp(lnChoose(nA, a) + lnChoose(nB, k - a) - lnDenominator);
  return Math.min(1, p);
}
