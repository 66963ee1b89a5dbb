/**
 * Error-rate test conditional on the bad events: given x_A + x_B bad events, each one's arm is
 * Bernoulli(θ) with θ = θ0 (the canary's traffic share) when canary and baseline have the same
 * rate. Mixing the likelihood ratio (θ/θ0)^x_B ((1−θ)/(1−θ0))^x_A over a Beta(a, b) prior,
 * a = cθ0, b = c(1−θ0), gives a Bayes factor that is a nonnegative martingale under the null
 * (Lindon & Malek, "Anytime-Valid Inference for Multinomial Count Data", NeurIPS 2022), so by
 * Ville's inequality it crosses 1/α with probability ≤ α however often it is checked.
 *
 * The one-sided version truncates the prior to θ > θ0 (canary worse). Every likelihood ratio with
 * θ > θ0 has expectation ≤ 1 under any θ' ≤ θ0 (E_θ'[one factor] = 1 + (θ'−θ0)(θ/θ0 − (1−θ)/(1−θ0))
 * is increasing in θ' and equals 1 at θ0), so the truncated mixture is a supermartingale for the
 * whole composite null "canary no worse than baseline".
 *
 * c is the prior's concentration (pseudo-events): c ≈ 10–20 detects 2× regressions fastest;
 * large c spreads less prior mass on large effects (STATISTICS.md).
 */
import { lnBeta, lnIncBetaUpper } from './special.js';

function priorShape(theta0: number, c: number): { a: number; b: number } {
  return { a: c * theta0, b: c * (1 - theta0) };
}

/**
 * ln of the untruncated (two-sided) Beta-binomial Bayes factor against θ = θ0:
 *   ln B(a+x_B, b+x_A) − ln B(a, b) − x_B ln θ0 − x_A ln(1−θ0).
 * Counts may be non-integer (Prometheus extrapolates), hence ln B rather than factorials.
 */
export function twoSidedBetaBinomialLogBF(xA: number, xB: number, theta0: number, c: number): number {
  const { a, b } = priorShape(theta0, c);
  return lnBeta(a + xB, b + xA) - lnBeta(a, b) - xB * Math.log(theta0) - xA * Math.log1p(-theta0);
}

/**
 * ln BF⁺, the one-sided mixture (prior truncated to θ > θ0), exactly as STATISTICS.md:
 *   ln BF⁺ = ln B(a+x_B, b+x_A) − ln B(a,b) + ln[1 − I_θ0(a+x_B, b+x_A)] − ln[1 − I_θ0(a,b)]
 *            − x_B ln θ0 − x_A ln(1−θ0).
 * The posterior tail ln[1 − I_θ0(·)] is taken in log space: for a healthy canary it is e^−600 or
 * smaller while the two-sided factor is e^+600, and only the sum is meaningful. Clamping the tail
 * would turn every healthy canary into a rollback.
 */
export function oneSidedBetaBinomialLogBF(xA: number, xB: number, theta0: number, c: number): number {
  const { a, b } = priorShape(theta0, c);
  const posteriorTail = lnIncBetaUpper(theta0, a + xB, b + xA);
  const priorTail = lnIncBetaUpper(theta0, a, b);
  return twoSidedBetaBinomialLogBF(xA, xB, theta0, c) + posteriorTail - priorTail;
}

/**
 * The null share θ0′ = r0θ0 / (1 − θ0 + r0θ0) for a tolerated relative increase r0 of the canary's
 * rate: testing θ ≤ θ0′ ignores regressions up to r0× (STATISTICS.md, "Tolerance").
 */
export function toleranceTheta(theta0: number, r0: number): number {
  return ratioToTheta(r0, theta0);
}

/**
 * The canary/baseline rate ratio r implied by a canary share θ of bad events when its traffic
 * share is θ0: r = [θ/(1−θ)]·[(1−θ0)/θ0] (odds of θ over odds of θ0). θ = 1 maps to +∞.
 */
export function thetaToRatio(theta: number, theta0: number): number {
  if (theta >= 1) return Infinity;
  return (theta / (1 - theta)) * ((1 - theta0) / theta0);
}

/** Inverse of thetaToRatio: θ(r) = rθ0 / (1 − θ0 + rθ0); r = +∞ maps to 1. */
export function ratioToTheta(r: number, theta0: number): number {
  if (r === Infinity) return 1;
  return (r * theta0) / (1 - theta0 + r * theta0);
}
