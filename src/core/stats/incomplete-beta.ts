/**
 * ln of the regularized incomplete beta function I_x(a, b) and of its complement, finite in the far
 * tails. The one-sided Beta-binomial mixture divides by 1 − I_θ0(a + x_B, b + x_A), which for a
 * healthy canary is e^−600 and smaller; computed in linear space it becomes 0 and the Bayes factor
 * −∞ or NaN (STATISTICS.md, "Numerics that bite").
 *
 * Method (Numerical Recipes 3rd ed. §6.4; DLMF 8.17.22): for x < (a+1)/(a+b+2)
 *   I_x(a, b) = x^a (1−x)^b / (a B(a, b)) · CF,
 * where CF is a continued fraction evaluated by the modified Lentz method, converging quickly there.
 * Otherwise use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a). Both the prefactor and CF are kept as
 * logarithms, so a tail of e^−5000 is returned as −5000, not as −∞. The other side is taken with
 * log1mExp. The switch point lies near the mean, so the side computed directly is the one that can
 * be tiny and the complement is well conditioned; the exception is a very small shape parameter
 * (a ≪ 1, where I can be close to 1 below the switch): at a = 0.01 the complement keeps ~1e-14
 * relative accuracy, and it degrades roughly like 1e-16/a.
 */
import { lnBeta, stirlingCorrection } from './gamma-function.js';
import { log1mExp, log1pmx } from './log-space.js';

const TINY = 1e-300;
const EPS = 1e-16;

/** Modified-Lentz evaluation of the NR `betacf` continued fraction (DLMF 8.17.22). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Convergence takes O(√max(a, b)) steps near the switch point; the bound is generous.
  const maxIter = 1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/**
 * ln[x^a y^b / B(a, b)] with y = 1 − x supplied by the caller (so that a tiny x or y keeps its
 * digits). For a, b ≥ 10 it is written around the mode p = a/(a+b), as TOMS 708's brcomp does:
 *   ½ ln(ab / (2π(a+b))) + a·log1pmx(Δ/p) + b·log1pmx(−Δ/q) + δ(a+b) − δ(a) − δ(b),  Δ = x − p,
 * which avoids cancelling a ln x + b ln y against ln B when a and b are large.
 */
function lnPrefactor(x: number, y: number, a: number, b: number): number {
  if (Math.min(a, b) >= 10) {
    const s = a + b;
    const p = a / s;
    const q = b / s;
    const delta = x - p;
    return (
      0.5 * Math.log((a / s) * b) -
      0.5 * Math.log(2 * Math.PI) +
      a * log1pmx(delta / p) +
      b * log1pmx(-delta / q) +
      stirlingCorrection(s) -
      stirlingCorrection(a) -
      stirlingCorrection(b)
    );
  }
  const lnX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const lnY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  return a * lnX + b * lnY - lnBeta(a, b);
}

/** ln I_x(a, b) by the continued fraction; valid (fast) for x < (a+1)/(a+b+2). */
function lnIncBetaDirect(x: number, y: number, a: number, b: number): number {
  return lnPrefactor(x, y, a, b) - Math.log(a) + Math.log(betaContinuedFraction(x, a, b));
}

function invalid(x: number, a: number, b: number): boolean {
  return Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b) || !(a > 0) || !(b > 0);
}

/** ln I_x(a, b), the log of the regularized incomplete beta function (a, b > 0). */
export function lnIncBeta(x: number, a: number, b: number): number {
  if (invalid(x, a, b)) return NaN;
  if (x <= 0) return -Infinity;
  if (x >= 1) return 0;
  const y = 1 - x;
  if (x < (a + 1) / (a + b + 2)) return lnIncBetaDirect(x, y, a, b);
  return log1mExp(lnIncBetaDirect(y, x, b, a));
}

/** ln(1 − I_x(a, b)) = ln I_{1−x}(b, a), finite however small the upper tail is. */
export function lnIncBetaUpper(x: number, a: number, b: number): number {
  if (invalid(x, a, b)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return -Infinity;
  const y = 1 - x;
  if (x < (a + 1) / (a + b + 2)) return log1mExp(lnIncBetaDirect(x, y, a, b));
  return lnIncBetaDirect(y, x, b, a);
}
