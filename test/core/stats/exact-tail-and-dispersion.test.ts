import { describe, expect, it } from 'vitest';
import { binomialSumUpperTail } from '../../../src/core/stats/binomial-sum-tail.js';
import { significantPhi, splitDispersion, temporalDispersion } from '../../../src/core/stats/dispersion.js';
import { binomial, mulberry32, poisson } from '../../../src/core/stats/random.js';
import { rateRatioLooks, SPENDING } from '../../../src/core/stats/rate-ratio-looks.js';
import type { IntervalCounts } from '../../../src/core/stats/rate-ratio.js';

// Reference values: scipy 1.17.1, the exact pmf of the sum by numpy.convolve of scipy.stats.binom.pmf
// (sumsf(parts, k) = pmf[k:].sum()), and scipy.stats.chi2.sf.
describe('binomialSumUpperTail', () => {
  it('matches scipy on one binomial and on sums of binomials with different θ', () => {
    expect(binomialSumUpperTail([{ m: 100, theta: 0.1 }], 20)).toBeCloseTo(0.0019785608657712354, 14); // binom.sf(19, 100, 0.1)
    expect(binomialSumUpperTail([{ m: 30, theta: 0.05 }, { m: 40, theta: 0.1 }, { m: 50, theta: 0.25 }], 25)).toBeCloseTo(0.04746703994614648, 13);
    expect(binomialSumUpperTail([{ m: 300, theta: 0.05 }, { m: 400, theta: 0.1 }, { m: 500, theta: 0.25 }, { m: 200, theta: 0.5 }], 260)).toBeCloseTo(0.9303719758897183, 10);
  });

  it('is within 1% of the exact tail where the variance is large enough for the Edgeworth expansion', () => {
    const exact = 5.462998890389782e-7; // sumsf([(20000, 0.1), (20000, 0.3)], 8380)
    const got = binomialSumUpperTail([{ m: 20_000, theta: 0.1 }, { m: 20_000, theta: 0.3 }], 8380);
    expect(Math.abs(got / exact - 1)).toBeLessThan(0.01);
  });

  it('answers "no rejection" (1) for counts or shares that are not data', () => {
    expect(binomialSumUpperTail([{ m: 10, theta: 0.3 }], NaN)).toBe(1);
    expect(binomialSumUpperTail([{ m: 10, theta: 0.3 }], Infinity)).toBe(1);
    expect(binomialSumUpperTail([{ m: 10, theta: NaN }], 3)).toBe(1);
  });

  it('is 1 at or below zero, 0 past the largest possible count, and rounds a fractional count up', () => {
    expect(binomialSumUpperTail([{ m: 10, theta: 0.3 }], 0)).toBe(1);
    expect(binomialSumUpperTail([{ m: 10, theta: 0.3 }], 11)).toBe(0);
    expect(binomialSumUpperTail([{ m: 10, theta: 0.3 }], 4.2)).toBeCloseTo(binomialSumUpperTail([{ m: 10, theta: 0.3 }], 5), 15);
    expect(binomialSumUpperTail([], 1)).toBe(0);
    expect(() => binomialSumUpperTail([{ m: 10, theta: 1 }], 3)).toThrow(RangeError);
  });
});

/** The exact look at the planned end when no look was planned before it: the fixed-sample test. */
const atTheEnd = (ivs: readonly IntervalCounts[], opts: { rNull: number; phi?: number }) => rateRatioLooks(ivs, { ...opts, alpha: 0.01, schedule: { looks: Infinity, final: true }, spending: SPENDING });

describe('the exact look at the planned end alone', () => {
  const ivs: IntervalCounts[] = [
    { nA: 900, xA: 9, nB: 100, xB: 4 },
    { nA: 800, xA: 8, nB: 200, xB: 6 },
  ];

  it('is the exact conditional tail: P(Bin(13, 0.1) + Bin(14, 0.2) ≥ 10), and under a tolerance θ_i(1.5)', () => {
    expect(atTheEnd(ivs, { rNull: 1 }).pValue).toBeCloseTo(0.004135199158967286, 14);
    // θ_i(1.5) = 1.5·n_B/(n_A + 1.5·n_B) = 1/7 and 3/11
    expect(atTheEnd(ivs, { rNull: 1.5 }).pValue).toBeCloseTo(0.039470075028499085, 13);
    expect(atTheEnd(ivs, { rNull: 1 }).expected).toBeCloseTo(13 * 0.1 + 14 * 0.2, 12);
  });

  it('is more conservative when the counts are tempered by φ > 1, and 1 with no bad events', () => {
    const plain = atTheEnd(ivs, { rNull: 1 }).pValue;
    expect(atTheEnd(ivs, { rNull: 1, phi: 2 }).pValue).toBeGreaterThan(plain);
    expect(atTheEnd([{ nA: 100, xA: 0, nB: 10, xB: 0 }], { rNull: 1 }).pValue).toBe(1);
  });

  it('rounds the running totals, the canary\'s with all, so fractions are neither lost nor read as p = 0', () => {
    // Extrapolated counts: 0.4 canary errors and none on the baseline, twice. Rounded interval by
    // interval both would vanish; on the running totals they add up to one trial, the canary's.
    const look = atTheEnd([{ nA: 900, xA: 0, nB: 100, xB: 0.4 }, { nA: 900, xA: 0, nB: 100, xB: 0.4 }], { rNull: 1 });
    expect(look.observed).toBe(1);
    expect(look.pValue).toBeCloseTo(0.1, 12); // P(Bin(1, 0.1) ≥ 1)
  });

  it('rejects at most α of healthy canaries (simulated, split stepping); with clustered errors only once tempered by φ', () => {
    const random = mulberry32(20261123);
    const alpha = 0.01;
    const runs = 6000;
    let independent = 0;
    let clusteredPlain = 0;
    let clusteredTempered = 0;
    for (let r = 0; r < runs; r++) {
      const plain: IntervalCounts[] = [];
      const clustered: IntervalCounts[] = [];
      for (let i = 0; i < 15; i++) {
        const share = [0.05, 0.1, 0.25, 0.5][Math.floor(i / 4)]!;
        const nB = poisson(random, 600 * share * 10);
        const nA = poisson(random, 600 * (1 - share) * 10);
        plain.push({ nA, xA: binomial(random, nA, 0.002), nB, xB: binomial(random, nB, 0.002) });
        // The same error rate in clusters of 3 (a retried request fails three times): φ = 3.
        clustered.push({ nA, xA: 3 * binomial(random, nA, 0.002 / 3), nB, xB: 3 * binomial(random, nB, 0.002 / 3) });
      }
      if (atTheEnd(plain, { rNull: 1 }).pValue <= alpha) independent++;
      if (atTheEnd(clustered, { rNull: 1 }).pValue <= alpha) clusteredPlain++;
      if (atTheEnd(clustered, { rNull: 1, phi: 3 }).pValue <= alpha) clusteredTempered++;
    }
    // Binomial(6000, 0.01): mean 60, sd 7.7 — 85 is over three sd above α; discreteness keeps it below.
    expect(independent).toBeLessThanOrEqual(85);
    expect(independent).toBeGreaterThan(20); // and not so conservative that it is useless
    expect(clusteredPlain).toBeGreaterThan(150); // counting a cluster as three events breaks the test…
    expect(clusteredTempered).toBeLessThanOrEqual(85); // …and dividing by φ mends it
  });

  it('catches a 2× regression that the 15-minute budget holds enough events for (the reason it exists)', () => {
    const random = mulberry32(7);
    let caught = 0;
    for (let r = 0; r < 500; r++) {
      const run: IntervalCounts[] = [];
      for (let i = 0; i < 15; i++) {
        const nB = poisson(random, 600);
        const nA = poisson(random, 5400);
        run.push({ nA, xA: binomial(random, nA, 0.005), nB, xB: binomial(random, nB, 0.01) });
      }
      if (atTheEnd(run, { rNull: 1 }).pValue <= 0.0018) caught++;
    }
    expect(caught / 500).toBeGreaterThan(0.95);
  });
});

describe('dispersion estimates and their significance gate', () => {
  it('gives the χ² p-value of X² (scipy chi2.sf) and φ = X²/df', () => {
    // Four intervals at a constant rate: the ±5 moving rate of each is the others' rate.
    const counts = [{ n: 1000, x: 10 }, { n: 1000, x: 10 }, { n: 1000, x: 10 }, { n: 1000, x: 10 }];
    const flat = temporalDispersion(counts);
    expect(flat.phi).toBe(1);
    expect(flat.pValue).toBeCloseTo(1, 12);
    const split = splitDispersion([
      { nA: 900, xA: 10, nB: 100, xB: 10 },
      { nA: 900, xA: 20, nB: 100, xB: 0 },
      { nA: 900, xA: 10, nB: 100, xB: 10 },
      { nA: 900, xA: 20, nB: 100, xB: 0 },
    ]);
    expect(split.df).toBe(3);
    expect(split.phi).toBeGreaterThan(5);
    expect(split.pValue).toBeLessThan(0.001);
    expect(significantPhi(split)).toBe(split.phi);
    expect(significantPhi({ phi: 3, df: 4, pValue: 0.01735126523666451 }, 0.05)).toBe(3); // chi2.sf(12, 4)
    expect(significantPhi({ phi: 3, df: 4, pValue: 0.01735126523666451 })).toBe(1); // not at the default 1%
    expect(significantPhi({ phi: 3, df: 10, pValue: 0.000856641210775301 })).toBe(3); // chi2.sf(30, 10)
    expect(significantPhi({ phi: 1.4, df: 10, pValue: 0.2 })).toBe(1);
  });

  it('robustly: one incident minute is left out, recurring bursts and extrapolated counts are measured', () => {
    const random = mulberry32(5);
    const mean = (make: () => Array<{ n: number; x: number }>) => {
      let sum = 0;
      for (let r = 0; r < 200; r++) sum += temporalDispersion(make(), { robust: true }).phi;
      return sum / 200;
    };
    const independent = () => Array.from({ length: 60 }, () => ({ n: 6000, x: binomial(random, 6000, 0.005) }));
    const spike = () => independent().map((c, i) => (i === 30 ? { n: 6000, x: 1800 } : c));
    // increase() over a 1m window with a 15 s scrape: 45 s of counts scaled by 4/3
    const extrapolated = () => Array.from({ length: 60 }, () => ({ n: 6000, x: (4 / 3) * poisson(random, 0.75 * 30) }));
    const bursts = () => Array.from({ length: 60 }, (_, i) => ({ n: 6000, x: binomial(random, 6000, 0.005) + (i % 6 === 0 ? 120 : 0) }));
    expect(mean(independent)).toBeLessThan(1.15);
    expect(mean(spike)).toBeLessThan(1.2);
    expect(temporalDispersion(spike()).phi).toBeGreaterThan(100); // the plain estimate is blinded
    expect(mean(extrapolated)).toBeGreaterThan(1.25);
    expect(mean(extrapolated)).toBeLessThan(1.5);
    expect(mean(bursts)).toBeGreaterThan(30);
  });

  it('robustly over three hours: leaves out at most two incident minutes, so five bursts still count', () => {
    const calm = Array.from({ length: 180 }, (_, i) => ({ n: 6000, x: 30 + ((i * 7) % 11) - 5 }));
    const incidents = calm.map((c, i) => (i === 40 || i === 120 ? { n: 6000, x: 900 } : c));
    const bursts = calm.map((c, i) => (i % 36 === 7 ? { n: 6000, x: c.x + 300 } : c));
    expect(temporalDispersion(incidents, { robust: true }).phi).toBeLessThan(1.2);
    // 3% of 180 would be five terms: every burst gone and φ read as 1.
    expect(temporalDispersion(bursts, { robust: true }).phi).toBeGreaterThan(10);
  });

  it('leaves independent errors alone about 99% of the time (90% at a 10% gate) and flags clustered ones', () => {
    const random = mulberry32(11);
    let flaggedIndependent = 0;
    let flaggedAtTenPercent = 0;
    let flaggedClusters = 0;
    for (let r = 0; r < 400; r++) {
      const independent = Array.from({ length: 60 }, () => ({ n: 6000, x: binomial(random, 6000, 0.005) }));
      // the same mean, in clusters of 5
      const clustered = Array.from({ length: 60 }, () => ({ n: 6000, x: 5 * binomial(random, 1200, 0.005) }));
      if (significantPhi(temporalDispersion(independent)) > 1) flaggedIndependent++;
      if (significantPhi(temporalDispersion(independent), 0.1) > 1) flaggedAtTenPercent++;
      if (significantPhi(temporalDispersion(clustered)) > 1) flaggedClusters++;
    }
    expect(flaggedIndependent / 400).toBeLessThan(0.03);
    expect(flaggedAtTenPercent / 400).toBeGreaterThan(0.04);
    expect(flaggedAtTenPercent / 400).toBeLessThan(0.16);
    expect(flaggedClusters / 400).toBeGreaterThan(0.99);
  });
});
