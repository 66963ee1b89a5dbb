/**
 * The oracle for the detection benchmark: Wald's SPRT of the simple alternative "ratio = r1"
 * against "ratio = 1" on the conditional binomial (each bad event is the canary's with
 * probability θ0 under the null, θ1 = r1θ0/(1−θ0+r1θ0) under the alternative). Knowing the true
 * effect, it needs the fewest events of any valid sequential test (Wald & Wolfowitz 1948), so
 * other methods' detection times are reported as ratios to it. It is not usable in production:
 * it is only valid against the one alternative it was told.
 */
import { ratioToTheta } from './beta-binomial-mixture.js';

/** ln LR = x_B ln(θ1/θ0) + x_A ln((1−θ1)/(1−θ0)); cross ln(1/α) to reject. */
export function oracleSprtLogLR(xA: number, xB: number, theta0: number, r1: number): number {
  const theta1 = ratioToTheta(r1, theta0);
  const canary = xB > 0 ? xB * Math.log(theta1 / theta0) : 0;
  const baseline = xA > 0 ? xA * (Math.log1p(-theta1) - Math.log1p(-theta0)) : 0;
  return canary + baseline;
}
