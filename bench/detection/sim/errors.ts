/**
 * Bad-request counts of one interval for both arms. Independent errors are Binomial; the
 * overdispersed models keep each arm's expected count and add the clustering that production has
 * (see `Overdispersion` in scenario.ts).
 */
import { binomial, poisson } from '../../../src/core/stats/random.js';
import type { Overdispersion } from '../scenario.js';
import { beta, geometric } from './variates.js';

export interface ErrorDraw {
  baseline: number;
  canary: number;
}

/**
 * @param pBaseline the interval's baseline error probability
 * @param effect canary probability = pBaseline × effect (capped at 1)
 */
export function drawErrors(random: () => number, nA: number, nB: number, pBaseline: number, effect: number, od?: Overdispersion): ErrorDraw {
  const pCanary = Math.min(1, pBaseline * effect);
  if (!od) return { baseline: binomial(random, nA, pBaseline), canary: binomial(random, nB, pCanary) };
  if (od.kind === 'beta') {
    const k = od.concentration;
    const qA = beta(random, k * pBaseline, k * (1 - pBaseline));
    const qB = od.shared ? Math.min(1, qA * effect) : beta(random, k * pCanary, k * (1 - pCanary));
    return { baseline: binomial(random, nA, qA), canary: binomial(random, nB, qB) };
  }
  return { baseline: withBursts(random, nA, pBaseline, od), canary: withBursts(random, nB, pCanary, od) };
}

/** (1 − share)·p as independent errors plus bursts carrying share·p of the errors on average. */
function withBursts(random: () => number, n: number, p: number, od: { share: number; meanSize: number }): number {
  let bad = binomial(random, n, (1 - od.share) * p);
  const bursts = poisson(random, (od.share * p * n) / od.meanSize);
  for (let b = 0; b < bursts; b++) bad += geometric(random, od.meanSize);
  return Math.min(n, bad);
}
