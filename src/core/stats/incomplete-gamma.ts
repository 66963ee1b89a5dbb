/**
 * ln of the regularized incomplete gamma functions P(a, x) (lower) and Q(a, x) = 1 − P (upper),
 * finite in the far tails. The Gamma-Poisson burn test divides by Q(φ+N, φ+Λ0), which for a healthy
 * canary is e^−734 at N = 32, Λ0 = 866 (STATISTICS.md, "Numerics that bite").
 *
 * Method (Numerical Recipes 3rd ed. §6.2; DLMF §8.7 and §8.9), all in log space:
 * - x < a + 1: the series P = x^a e^−x / Γ(a+1) · Σ_n x^n / ((a+1)…(a+n)); Q = 1 − P by log1mExp
 *   (P ≤ ~½ on this side, so the complement is well conditioned).
 * - x ≥ a + 1: the continued fraction Q = x^a e^−x / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− …)) by the
 *   modified Lentz method; P = 1 − Q by log1mExp.
 */
import { lnGamma, stirlingCorrection } from './gamma-function.js';
import { log1mExp, log1pmx } from './log-space.js';

const TINY = 1e-300;
const EPS = 1e-16;
const HALF_LN_2PI = 0.9189385332046727417803297364056176;

/**
 * ln[x^a e^−x / Γ(a)]. For a ≥ 10 written as a·log1pmx((x−a)/a) + ½ ln a − ½ ln 2π − δ(a) (Temme's
 * form, DLMF §8.12), so that a ln x, x and ln Γ(a) — each O(a ln a) — do not cancel numerically.
 */
function lnPrefactor(a: number, x: number): number {
  if (a >= 10) {
    return a * log1pmx((x - a) / a) + 0.5 * Math.log(a) - HALF_LN_2PI - stirlingCorrection(a);
  }
  return a * Math.log(x) - x - lnGamma(a);
}

function maxIterations(a: number): number {
  // Both expansions need O(√a) terms when x is near a; the bound is generous.
  return 1000 + Math.ceil(20 * Math.sqrt(a));
}

/** ln P(a, x) by the series; for x < a + 1. */
function lnLowerSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  const limit = maxIterations(a);
  for (let n = 1; n <= limit; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return lnPrefactor(a, x) + Math.log(sum);
}

/** ln Q(a, x) by the continued fraction; for x ≥ a + 1. */
function lnUpperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  const limit = maxIterations(a);
  for (let i = 1; i <= limit; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return lnPrefactor(a, x) + Math.log(h);
}

function invalid(a: number, x: number): boolean {
  return Number.isNaN(a) || Number.isNaN(x) || !(a > 0) || x < 0;
}

/** ln P(a, x), the lower regularized incomplete gamma function (a > 0, x ≥ 0). */
export function lnGammaP(a: number, x: number): number {
  if (invalid(a, x)) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  if (x < a + 1) return lnLowerSeries(a, x);
  return log1mExp(lnUpperFraction(a, x));
}

/** ln Q(a, x) = ln(1 − P(a, x)), finite however small the upper tail is. */
export function lnGammaQ(a: number, x: number): number {
  if (invalid(a, x)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return -Infinity;
  if (x < a + 1) return log1mExp(lnLowerSeries(a, x));
  return lnUpperFraction(a, x);
}
