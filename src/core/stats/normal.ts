/**
 * The standard normal distribution: quantile by Wichura's AS 241 (PPND16, Applied Statistics 37(3),
 * 1988, 477–484; about 1e-16 relative) and CDF through the incomplete gamma function,
 * Φ(−z) = ½ Q(½, z²/2) for z ≥ 0 (erfc as an incomplete gamma function, DLMF §7.11), which
 * inherits that function's far-tail accuracy.
 */
import { lnGammaQ } from './incomplete-gamma.js';

// AS 241 coefficients, as printed in the paper (numerator a/c/e, denominator b/d/f; b0 = d0 = f0 = 1).
const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  0.00077454501427834140764,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
  0.14810397642748007459, 0.0151986665636164571966, 0.00054759380849953449460,
  1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 0.000027115555687434875781,
  2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  0.00078686913114561329059, 0.000018463183175100546818, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function ratio(num: readonly number[], den: readonly number[], r: number): number {
  let n = 0;
  let d = 0;
  for (let i = num.length - 1; i >= 0; i--) {
    n = n * r + (num[i] as number);
    d = d * r + (den[i] as number);
  }
  return n / d;
}

/** z with Φ(z) = p. p ≤ 0 → −∞, p ≥ 1 → +∞, NaN → NaN. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p)) return NaN;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) return q * ratio(A, B, 0.180625 - q * q);
  // Tail: work with the smaller of p and 1 − p so that its digits survive.
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const z = r <= 5 ? ratio(C, D, r - 1.6) : ratio(E, F, r - 5);
  return q < 0 ? -z : z;
}

/** ln Φ(z); finite far into the lower tail (ln Φ(−40) ≈ −804.6). */
export function normalLogCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const half = lnGammaQ(0.5, (z * z) / 2) + Math.log(0.5); // ln Φ(−|z|)
  if (z <= 0) return half;
  return Math.log1p(-Math.exp(half));
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * Math.exp(lnGammaQ(0.5, (z * z) / 2)); // Φ(−|z|)
  return z <= 0 ? tail : 1 - tail;
}

/** ϕ(z), the standard normal density. */
export function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * The one-term Edgeworth correction to the normal upper tail of a standardised sum with skewness γ:
 * P(Z ≥ z) ≈ 1 − Φ(z) + (γ/6)(z² − 1)ϕ(z). Sums of binomials are skewed, and the normal alone makes
 * their upper tail a few percent too light at small α.
 */
export function edgeworthCorrection(z: number, skew: number): number {
  return (skew / 6) * (z * z - 1) * normalDensity(z);
}
