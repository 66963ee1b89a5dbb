import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/stats/random.js';
import {
  type IntervalCounts,
  rateRatioConfidenceSequence,
  rateRatioEstimate,
  rateRatioTwoSidedLogE,
} from '../../../src/core/stats/rate-ratio.js';
import { median, noiseBound, simulateRun, steppedShare } from './simulation-helpers.js';

const example: IntervalCounts[] = [
  { nA: 5400, xA: 27, nB: 600, xB: 5 },
  { nA: 4500, xA: 20, nB: 1500, xB: 12 },
];

describe('rateRatioConfidenceSequence', () => {
  it('brackets the estimate, and its ends are where the two-sided e-value reaches 1/α', () => {
    const alpha = 0.05;
    const cs = rateRatioConfidenceSequence(example, alpha);
    expect(cs.estimate).toBeCloseTo(rateRatioEstimate(example), 12);
    expect(cs.lower).toBeLessThan(cs.estimate);
    expect(cs.upper).toBeGreaterThan(cs.estimate);
    for (const end of [cs.lower, cs.upper]) {
      expect(rateRatioTwoSidedLogE(example, { rNull: end })).toBeCloseTo(Math.log(1 / alpha), 5);
    }
    expect(rateRatioTwoSidedLogE(example, { rNull: cs.lower * 0.98 })).toBeGreaterThan(Math.log(1 / alpha));
    expect(rateRatioTwoSidedLogE(example, { rNull: cs.upper * 1.02 })).toBeGreaterThan(Math.log(1 / alpha));
  });

  it('is the whole set {r : e-value < 1/α} — no pockets outside the reported ends (fine scan, random data)', () => {
    const random = mulberry32(77);
    for (let run = 0; run < 20; run++) {
      const ivs = simulateRun(random, { ratio: Math.exp(2 * random() - 1), canaryShare: () => 0.02 + 0.5 * random() }, 1 + (run % 6));
      const cs = rateRatioConfidenceSequence(ivs, 0.01);
      for (let s = -6; s <= 6; s += 0.01) {
        const inside = rateRatioTwoSidedLogE(ivs, { rNull: Math.exp(s) }) < Math.log(100);
        if (inside) {
          expect(Math.exp(s)).toBeGreaterThanOrEqual(cs.lower * (1 - 1e-6));
          expect(Math.exp(s)).toBeLessThanOrEqual(cs.upper * (1 + 1e-6));
        }
      }
    }
  });

  it('is [0, ∞) without bad events, open below without canary events and open above without baseline events', () => {
    expect(rateRatioConfidenceSequence([{ nA: 100, xA: 0, nB: 100, xB: 0 }], 0.05)).toEqual({ lower: 0, upper: Infinity, estimate: NaN });
    const noCanary = rateRatioConfidenceSequence([{ nA: 5400, xA: 27, nB: 600, xB: 0 }], 0.05);
    expect(noCanary.lower).toBe(0);
    expect(noCanary.estimate).toBe(0);
    expect(noCanary.upper).toBeGreaterThan(1);
    expect(noCanary.upper).toBeLessThan(5);
    const noBaseline = rateRatioConfidenceSequence([{ nA: 5400, xA: 0, nB: 600, xB: 3 }], 0.05);
    expect(noBaseline.upper).toBe(Infinity);
    expect(noBaseline.lower).toBeGreaterThan(0.2);
  });

  it('rejects an α outside (0, 1)', () => {
    expect(() => rateRatioConfidenceSequence(example, 0)).toThrow(RangeError);
    expect(() => rateRatioConfidenceSequence(example, 1)).toThrow(RangeError);
  });

  it('shrinks as data accumulate', () => {
    const random = mulberry32(5);
    const widths: number[][] = [[], [], []];
    for (let run = 0; run < 40; run++) {
      const ivs = simulateRun(random, { ratio: 1.5, canaryShare: steppedShare }, 30);
      [5, 15, 30].forEach((t, k) => {
        const cs = rateRatioConfidenceSequence(ivs.slice(0, t), 0.01);
        widths[k]!.push(Math.log(cs.upper / cs.lower));
      });
    }
    const [w5, w15, w30] = widths.map(median) as [number, number, number];
    console.log(`[confidence sequence] median width in ln r after 5, 15, 30 intervals: ${w5.toFixed(3)}, ${w15.toFixed(3)}, ${w30.toFixed(3)}`);
    expect(w15).toBeLessThan(w5);
    expect(w30).toBeLessThan(w15);
  });
});

describe('coverage of the confidence sequence at every check (true ratio 1.5, split stepping 5% → 50%, 30 checks)', () => {
  const RUNS = 1000;
  const TRUE_RATIO = 1.5;

  it.each([0.05, 0.01])('contains the true ratio at all 30 checks in at least 1 − α of runs (α = %s)', (alpha) => {
    // Membership of r in the sequence is exactly "two-sided e-value against r < 1/α" (checked against
    // the bisected ends below), which is cheap enough to test at every look of every run.
    const random = mulberry32(alpha === 0.05 ? 11 : 12);
    let misses = 0;
    for (let run = 0; run < RUNS; run++) {
      const ivs = simulateRun(random, { ratio: TRUE_RATIO, canaryShare: steppedShare }, 30);
      const everOut = ivs.some((_, t) => rateRatioTwoSidedLogE(ivs.slice(0, t + 1), { rNull: TRUE_RATIO }) >= Math.log(1 / alpha));
      if (everOut) misses++;
    }
    const missRate = misses / RUNS;
    console.log(`[confidence sequence] α=${alpha}: true ratio excluded at some check in ${(100 * missRate).toFixed(2)}% of runs`);
    expect(missRate).toBeLessThanOrEqual(noiseBound(alpha, RUNS));
  });

  it('reports ends consistent with that membership test, and lower ≤ estimate ≤ upper, at every check', () => {
    const random = mulberry32(13);
    const alpha = 0.05;
    for (let run = 0; run < 30; run++) {
      const ivs = simulateRun(random, { ratio: TRUE_RATIO, canaryShare: steppedShare }, 30);
      for (let t = 1; t <= 30; t++) {
        const seen = ivs.slice(0, t);
        const cs = rateRatioConfidenceSequence(seen, alpha);
        const member = rateRatioTwoSidedLogE(seen, { rNull: TRUE_RATIO }) < Math.log(1 / alpha);
        expect(cs.lower <= TRUE_RATIO && TRUE_RATIO <= cs.upper).toBe(member);
        if (!Number.isNaN(cs.estimate)) {
          expect(cs.lower).toBeLessThanOrEqual(cs.estimate);
          expect(cs.estimate).toBeLessThanOrEqual(cs.upper);
        }
      }
    }
  });
});
