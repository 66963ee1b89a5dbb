/**
 * Seeded random variates for simulations (the false-fail and power tests, the detection benchmark).
 * Randomness is always an argument — `random: () => number` uniform on [0, 1) — never Math.random,
 * so every simulated run can be replayed from its seed.
 */
import { lnGamma } from './gamma-function.js';

/**
 * Mulberry32 (Tommy Ettinger, 2017): a 32-bit-state generator, fast and good enough for Monte
 * Carlo checks of a few million draws (it passes gjrand's and PractRand's basic batteries up to
 * its period of 2^32). Returns uniforms on [0, 1) with 32 random bits.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson by sequential inversion of the CDF: exact, O(mean) uniforms' worth of work, one draw. */
function poissonInversion(random: () => number, mean: number): number {
  let p = Math.exp(-mean);
  let cdf = p;
  let k = 0;
  const u = random();
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/**
 * Poisson by Hörmann's transformed rejection with squeeze, PTRS ("The transformed rejection method
 * for generating Poisson random variables", Insurance: Mathematics and Economics 12, 1993;
 * the constants are the paper's, as in NumPy's random_poisson_ptrs). Exact, O(1) expected
 * uniforms for any mean ≥ 10.
 */
function poissonPtrs(random: () => number, mean: number): number {
  const slam = Math.sqrt(mean);
  const logLam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
    if (lhs <= -mean + k * logLam - lnGamma(k + 1)) return k;
  }
}

/** A Poisson(mean) variate; mean ≥ 0 (non-integer allowed), exact for means up to ~1e7. */
export function poisson(random: () => number, mean: number): number {
  if (!(mean > 0)) return 0;
  return mean < 10 ? poissonInversion(random, mean) : poissonPtrs(random, mean);
}

/** Binomial by inversion (numpy's random_binomial_inversion); p ≤ ½ and n·p < 10. */
function binomialInversion(random: () => number, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  for (;;) {
    let r = Math.exp(n * Math.log1p(-p)); // q^n
    let u = random();
    let k = 0;
    while (u > r) {
      u -= r;
      k++;
      r *= a / k - s;
      if (k > n) break; // rounding ran past the support: draw again
    }
    if (k <= n) return k;
  }
}

/**
 * Binomial by Hörmann's BTRS transformed rejection ("The generation of binomial random variates",
 * J. Statist. Comput. Simul. 46, 1993), for p ≤ ½ and n·p ≥ 10. Exact, O(1) expected uniforms.
 */
function binomialBtrs(random: () => number, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = lnGamma(m + 1) + lnGamma(n - m + 1);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    const lhs = Math.log((v * alpha) / (a / (us * us) + b));
    if (lhs <= h - lnGamma(k + 1) - lnGamma(n - k + 1) + (k - m) * lpq) return k;
  }
}

/** A Binomial(n, p) variate for a nonnegative integer n (a non-integer n is rounded down). */
export function binomial(random: () => number, n: number, p: number): number {
  const trials = Math.floor(n);
  if (!(trials > 0) || !(p > 0)) return 0;
  if (p >= 1) return trials;
  const flip = p > 0.5;
  const pp = flip ? 1 - p : p;
  const k = trials * pp < 10 ? binomialInversion(random, trials, pp) : binomialBtrs(random, trials, pp);
  return flip ? trials - k : k;
}
