import { describe, expect, it } from 'vitest';
import { oneSidedBetaBinomialLogBF, toleranceTheta } from '../../../src/core/stats/beta-binomial-mixture.js';
import { mulberry32 } from '../../../src/core/stats/random.js';
import { DEFAULT_ONE_SIDED_GRID, rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { cumulative, noiseBound, type Scenario, simulateRun, steppedShare } from './simulation-helpers.js';

/**
 * Sequential peeking under the null: every run is checked after every interval, and a run counts as
 * a false fail if the e-value *ever* reaches 1/α. Ville's inequality bounds that probability by α
 * for any number of looks; a fixed-horizon test checked 30 times would exceed it several-fold.
 * α = 0.05 gives the check power to notice a broken implementation (a two-sided or mis-normalised
 * mixture overshoots it clearly); α = 0.01 is the production range.
 */
const RUNS = 2000;
const LOOKS = 30;
const ALPHAS = [0.05, 0.01];

/** Highest ln e-value each run reaches over its looks. */
function maxLogE(seed: number, scenario: Scenario, logE: (upTo: ReturnType<typeof simulateRun>) => number[]): number[] {
  const random = mulberry32(seed);
  const maxima: number[] = [];
  for (let run = 0; run < RUNS; run++) maxima.push(Math.max(...logE(simulateRun(random, scenario, LOOKS))));
  return maxima;
}

function expectFalseFailRatesWithinAlpha(label: string, maxima: readonly number[]): void {
  for (const alpha of ALPHAS) {
    const fails = maxima.filter((m) => m >= Math.log(1 / alpha)).length;
    const rate = fails / maxima.length;
    console.log(`[false-fail] ${label}, α=${alpha}: ${rate.toFixed(4)} (${fails}/${maxima.length}), bound ${noiseBound(alpha, maxima.length).toFixed(4)}`);
    expect(rate).toBeLessThanOrEqual(noiseBound(alpha, maxima.length));
  }
}

describe('false fails under no change, checked every interval for 30 intervals (10 + 90 req/s, 0.5% errors, 60 s)', () => {
  it('the one-sided Beta-binomial mixture (c = 10, fixed split) stays at or below α', () => {
    const maxima = maxLogE(101, { ratio: 1 }, (ivs) =>
      cumulative(ivs).map((c) => oneSidedBetaBinomialLogBF(c.xA, c.xB, c.nB / (c.nA + c.nB), 10)),
    );
    expectFalseFailRatesWithinAlpha('Beta-binomial c=10, fixed 10% split', maxima);
  });

  it('the grid mixture stays at or below α while the canary weight steps 5% → 10% → 25% → 50%', () => {
    const maxima = maxLogE(202, { ratio: 1, canaryShare: steppedShare }, (ivs) =>
      ivs.map((_, t) => rateRatioLogE(ivs.slice(0, t + 1), { rNull: 1 })),
    );
    expectFalseFailRatesWithinAlpha('grid mixture, stepped split', maxima);
  });

  it('a tolerance null holds at its boundary: true ratio = r0 = 1.5 does not fail more than α', () => {
    const grid = maxLogE(303, { ratio: 1.5, canaryShare: steppedShare }, (ivs) =>
      ivs.map((_, t) => rateRatioLogE(ivs.slice(0, t + 1), { rNull: 1.5 })),
    );
    expectFalseFailRatesWithinAlpha('grid mixture, rNull = true ratio = 1.5, stepped split', grid);
    const betaBinomial = maxLogE(404, { ratio: 1.5 }, (ivs) =>
      cumulative(ivs).map((c) => oneSidedBetaBinomialLogBF(c.xA, c.xB, toleranceTheta(c.nB / (c.nA + c.nB), 1.5), 10)),
    );
    expectFalseFailRatesWithinAlpha('Beta-binomial c=10, θ0′ for r0 = true ratio = 1.5', betaBinomial);
  });

  it('the same harness flags a mixture whose weights sum to 9 instead of 1, so it is not vacuous', () => {
    // Observed rates of the valid tests sit near α/3 (discreteness makes Ville's bound loose), so only
    // gross errors show here; the exact-enumeration tests (mean exactly 1) catch subtle ones.
    const broken = { ratios: DEFAULT_ONE_SIDED_GRID.ratios, weights: DEFAULT_ONE_SIDED_GRID.weights.map(() => 1) };
    const maxima = maxLogE(202, { ratio: 1, canaryShare: steppedShare }, (ivs) =>
      ivs.map((_, t) => rateRatioLogE(ivs.slice(0, t + 1), { rNull: 1, grid: broken })),
    );
    const rate = maxima.filter((m) => m >= Math.log(20)).length / maxima.length;
    console.log(`[false-fail] broken (unnormalised) mixture, α=0.05: ${rate.toFixed(4)}`);
    expect(rate).toBeGreaterThan(noiseBound(0.05, maxima.length));
  });
});
