import { beforeAll, describe, expect, it } from 'vitest';
import { oneSidedBetaBinomialLogBF } from '../../../src/core/stats/beta-binomial-mixture.js';
import { mulberry32 } from '../../../src/core/stats/random.js';
import { ratioLogLikelihood, rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { cumulative, median, simulateRun } from './simulation-helpers.js';

/**
 * Power at the benchmark's traffic: 10 canary + 90 baseline req/s, 0.5% baseline errors, the canary
 * at 2× (1%), checked every 60 s interval. Detection time = the first interval whose e-value reaches
 * 1/α (α = 0.01/3 for one of three metrics, and 0.01). Runs go to 60 intervals so that the median
 * is not cut off; power is reported within 15 minutes. The oracle SPRT (knows r = 2) is the floor.
 */
const RUNS = 1000;
const HORIZON = 60;
const ALPHAS = [0.01 / 3, 0.01];

type Method = { name: string; logE: (ivs: ReturnType<typeof simulateRun>) => number[] };
const methods: Method[] = [
  { name: 'grid mixture', logE: (ivs) => ivs.map((_, t) => rateRatioLogE(ivs.slice(0, t + 1), { rNull: 1 })) },
  { name: 'Beta-binomial c=10', logE: (ivs) => cumulative(ivs).map((c) => oneSidedBetaBinomialLogBF(c.xA, c.xB, c.nB / (c.nA + c.nB), 10)) },
  { name: 'Beta-binomial c=20', logE: (ivs) => cumulative(ivs).map((c) => oneSidedBetaBinomialLogBF(c.xA, c.xB, c.nB / (c.nA + c.nB), 20)) },
  { name: 'oracle SPRT (r=2)', logE: (ivs) => ivs.map((_, t) => ratioLogLikelihood(ivs.slice(0, t + 1), 2, 1)) },
];

describe('power against a 2× error-rate regression (10 + 90 req/s, 0.5% baseline errors, 60 s intervals)', () => {
  let results: Array<{ name: string; series: number[][] }> = [];
  beforeAll(() => {
    const random = mulberry32(2024);
    const runs = Array.from({ length: RUNS }, () => simulateRun(random, { ratio: 2 }, HORIZON));
    results = methods.map((m) => ({ name: m.name, series: runs.map((ivs) => m.logE(ivs)) }));
  });

  const detection = (series: number[], alpha: number) => {
    const t = series.findIndex((v) => v >= Math.log(1 / alpha));
    return t === -1 ? Infinity : t + 1;
  };

  it.each(ALPHAS)('detects most runs within 15 minutes at α = %s and reports the median decision time', (alpha) => {
    for (const { name, series } of results) {
      const times = series.map((s) => detection(s, alpha));
      const within15 = times.filter((t) => t <= 15).length / times.length;
      console.log(`[power] ${name}, α=${alpha.toFixed(5)}: median decision ${median(times)} min, detected within 15 min ${(100 * within15).toFixed(1)}%`);
      if (!name.startsWith('oracle')) expect(within15).toBeGreaterThan(0.8);
    }
    const grid = (results[0]?.series ?? []).map((s) => detection(s, alpha));
    expect(median(grid)).toBeLessThanOrEqual(10);
  });
});
