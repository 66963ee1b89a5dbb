import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ONE_SIDED_GRID,
  type IntervalCounts,
  ratioGrid,
  ratioLogLikelihood,
  rateRatioEstimate,
  rateRatioLogE,
  rateRatioTwoSidedLogE,
  twoSidedGrid,
} from '../../../src/core/stats/rate-ratio.js';
import { ratioToTheta } from '../../../src/core/stats/beta-binomial-mixture.js';
import { oracleSprtLogLR } from '../../../src/core/stats/sprt.js';
import { lnBeta, logSumExp } from '../../../src/core/stats/special.js';

const intervals: IntervalCounts[] = [
  { nA: 5400, xA: 27, nB: 600, xB: 5 },
  { nA: 4500, xA: 20, nB: 1500, xB: 12 },
  { nA: 3000, xA: 14.5, nB: 3000, xB: 22.25 },
];

/** ln Binomial(k; m, p) for the exact-expectation checks. */
const lnBinom = (k: number, m: number, p: number) =>
  -lnBeta(k + 1, m - k + 1) - Math.log(m + 1) + k * Math.log(p) + (m - k) * Math.log1p(-p);

describe('ratioLogLikelihood', () => {
  it('is the sum of per-interval conditional binomial log-likelihood ratios with θ_i(r) = rθ0i/(1−θ0i+rθ0i)', () => {
    for (const [r, rNull] of [[2, 1], [0.5, 1], [3, 1.5]] as const) {
      let direct = 0;
      for (const iv of intervals) {
        const t0 = iv.nB / (iv.nA + iv.nB);
        const t = ratioToTheta(r, t0);
        const tn = ratioToTheta(rNull, t0);
        direct += iv.xB * Math.log(t / tn) + iv.xA * Math.log((1 - t) / (1 - tn));
      }
      expect(ratioLogLikelihood(intervals, r, rNull)).toBeCloseTo(direct, 12);
    }
  });

  it('ignores intervals with no traffic in an arm, and counts that are not data', () => {
    const noise: IntervalCounts[] = [
      { nA: 0, xA: 0, nB: 600, xB: 4 },
      { nA: 5400, xA: 3, nB: 0, xB: 0 },
      { nA: Number.NaN, xA: 3, nB: 600, xB: 1 },
      { nA: 5400, xA: Infinity, nB: 600, xB: 1 },
    ];
    expect(ratioLogLikelihood([...intervals, ...noise], 2, 1)).toBeCloseTo(ratioLogLikelihood(intervals, 2, 1), 14);
    expect(ratioLogLikelihood(noise, 2, 1)).toBe(0);
  });

  it('equals the oracle SPRT statistic for a single split', () => {
    const one = [{ nA: 9000, xA: 45, nB: 1000, xB: 11 }];
    expect(ratioLogLikelihood(one, 2, 1)).toBeCloseTo(oracleSprtLogLR(45, 11, 0.1, 2), 12);
  });
});

describe('grids', () => {
  it('the default one-sided grid has multipliers above 1 and weights summing to 1', () => {
    expect(DEFAULT_ONE_SIDED_GRID.ratios.every((g) => g > 1)).toBe(true);
    expect(DEFAULT_ONE_SIDED_GRID.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
    expect(Math.min(...DEFAULT_ONE_SIDED_GRID.ratios)).toBeCloseTo(1.105, 3);
    expect(Math.max(...DEFAULT_ONE_SIDED_GRID.ratios)).toBeCloseTo(12.97, 2);
  });

  it('twoSidedGrid adds the reciprocals with half weight each', () => {
    const g = twoSidedGrid(ratioGrid([2, 4], [3, 1]));
    expect(g.ratios).toEqual([0.5, 0.25, 2, 4]);
    expect(g.weights).toEqual([0.375, 0.125, 0.375, 0.125]);
  });

  it('ratioGrid rejects shapes that would not be a probability mixture', () => {
    expect(() => ratioGrid([2], [1, 1])).toThrow(RangeError);
    expect(() => ratioGrid([0], [1])).toThrow(RangeError);
    expect(() => ratioGrid([2], [-1])).toThrow(RangeError);
  });
});

describe('rateRatioLogE', () => {
  it('is the log of the grid mixture of likelihood ratios', () => {
    const expected = logSumExp(
      DEFAULT_ONE_SIDED_GRID.ratios.map((g, j) => Math.log(DEFAULT_ONE_SIDED_GRID.weights[j] as number) + ratioLogLikelihood(intervals, g, 1)),
    );
    expect(rateRatioLogE(intervals, { rNull: 1 })).toBeCloseTo(expected, 12);
  });

  it('has expectation 1 under ratio = rNull and below 1 under a smaller ratio (exact enumeration, one interval of 30 events)', () => {
    const m = 30;
    const mean = (r: number, rNull: number, twoSided: boolean) => {
      const theta = ratioToTheta(r, 0.25);
      const terms = Array.from({ length: m + 1 }, (_, k) => {
        const iv = [{ nA: 3000, xA: m - k, nB: 1000, xB: k }];
        const e = twoSided ? rateRatioTwoSidedLogE(iv, { rNull }) : rateRatioLogE(iv, { rNull });
        return lnBinom(k, m, theta) + e;
      });
      return Math.exp(logSumExp(terms));
    };
    expect(mean(1, 1, false)).toBeCloseTo(1, 10);
    expect(mean(1.5, 1.5, false)).toBeCloseTo(1, 10); // tolerance null at its boundary
    expect(mean(1, 1.5, false)).toBeLessThan(1); // inside the composite null
    expect(mean(0.5, 1, false)).toBeLessThan(1);
    expect(mean(1, 1, true)).toBeCloseTo(1, 10);
  });

  it('grows for a worse canary and shrinks for a better one', () => {
    const worse = [{ nA: 5400, xA: 27, nB: 600, xB: 15 }];
    const better = [{ nA: 5400, xA: 27, nB: 600, xB: 0 }];
    expect(rateRatioLogE(worse, { rNull: 1 })).toBeGreaterThan(Math.log(100));
    expect(rateRatioLogE(better, { rNull: 1 })).toBeLessThan(0);
    expect(Number.isFinite(rateRatioLogE([{ nA: 5e6, xA: 5e4, nB: 5e6, xB: 0 }], { rNull: 1 }))).toBe(true);
  });

  it('is 0 without usable data', () => {
    expect(rateRatioLogE([], { rNull: 1 })).toBeCloseTo(0, 14);
    expect(rateRatioLogE([{ nA: 10, xA: 0, nB: 10, xB: 0 }], { rNull: 1 })).toBeCloseTo(0, 14);
  });
});

describe('rateRatioEstimate', () => {
  it('is the ratio of rates when the split is constant', () => {
    const constant = [
      { nA: 900, xA: 9, nB: 100, xB: 3 },
      { nA: 1800, xA: 12, nB: 200, xB: 2 },
    ];
    expect(rateRatioEstimate(constant)).toBeCloseTo(((5 / 300) / (21 / 2700)), 10);
  });

  it('solves the pooled score equation when the split changes', () => {
    const r = rateRatioEstimate(intervals);
    const expectedCanary = intervals.reduce((s, iv) => s + (iv.xA + iv.xB) * ratioToTheta(r, iv.nB / (iv.nA + iv.nB)), 0);
    expect(expectedCanary).toBeCloseTo(intervals.reduce((s, iv) => s + iv.xB, 0), 9);
  });

  it('is 0 without canary events, ∞ without baseline events, NaN without any', () => {
    expect(rateRatioEstimate([{ nA: 900, xA: 9, nB: 100, xB: 0 }])).toBe(0);
    expect(rateRatioEstimate([{ nA: 900, xA: 0, nB: 100, xB: 2 }])).toBe(Infinity);
    expect(rateRatioEstimate([{ nA: 900, xA: 0, nB: 100, xB: 0 }])).toBeNaN();
  });
});
