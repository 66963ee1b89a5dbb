import { describe, expect, it } from 'vitest';
import { twoSidedBetaBinomialLogBF } from '../../../src/core/stats/beta-binomial-mixture.js';
import { dirichletMultinomialLogBF, distributionShiftLogE } from '../../../src/core/stats/distribution-shift.js';
import { binomial, mulberry32, poisson } from '../../../src/core/stats/random.js';
import { type IntervalCounts, rateRatioTwoSidedLogE } from '../../../src/core/stats/rate-ratio.js';
import { lnGamma, logSumExp } from '../../../src/core/stats/special.js';
import { noiseBound, steppedShare } from './simulation-helpers.js';

describe('dirichletMultinomialLogBF', () => {
  it('reduces to the two-sided Beta-binomial mixture for two categories', () => {
    const theta0 = 0.2;
    const c = 10;
    for (const [xA, xB] of [[30, 12], [7.5, 0.25], [0, 0]] as const) {
      expect(dirichletMultinomialLogBF([xA, xB], [1 - theta0, theta0], [c * (1 - theta0), c * theta0])).toBeCloseTo(
        twoSidedBetaBinomialLogBF(xA, xB, theta0, c),
        12,
      );
    }
  });

  it('has expectation exactly 1 under the null shares (exact enumeration, K = 3, n = 12)', () => {
    const p0 = [0.5, 0.3, 0.2];
    const alpha = [1, 2, 0.5];
    const n = 12;
    const terms: number[] = [];
    for (let a = 0; a <= n; a++) {
      for (let b = 0; a + b <= n; b++) {
        const x = [a, b, n - a - b];
        const lnMultinomial = lnGamma(n + 1) + x.reduce((s, xk, k) => s - lnGamma(xk + 1) + xk * Math.log(p0[k] as number), 0);
        terms.push(lnMultinomial + dirichletMultinomialLogBF(x, p0, alpha));
      }
    }
    expect(Math.exp(logSumExp(terms))).toBeCloseTo(1, 10);
  });

  it('is large when the counts contradict the shares and +∞ for an impossible category', () => {
    expect(dirichletMultinomialLogBF([10, 10, 80], [0.5, 0.3, 0.2], [1, 1, 1])).toBeGreaterThan(Math.log(1e6));
    expect(dirichletMultinomialLogBF([1, 0], [1, 0], [1, 1])).toBeLessThan(1);
    expect(dirichletMultinomialLogBF([1, 2], [1, 0], [1, 1])).toBe(Infinity);
  });
});

/** One interval of a two-arm histogram: per-bucket counts of each arm from Poisson traffic. */
function simulateBuckets(
  random: () => number,
  interval: number,
  baselineShares: readonly number[],
  canaryShares: readonly number[],
  requests = 6000,
): { nA: number; nB: number; a: number[]; b: number[] } {
  const share = steppedShare(interval);
  const nB = poisson(random, requests * share);
  const nA = poisson(random, requests * (1 - share));
  // Multinomial by sequential binomials.
  const split = (n: number, shares: readonly number[]) => {
    let left = n;
    let mass = 1;
    return shares.map((p) => {
      const k = mass <= 0 ? 0 : binomial(random, left, Math.min(1, p / mass));
      left -= k;
      mass -= p;
      return k;
    });
  };
  return { nA, nB, a: split(nA, baselineShares), b: split(nB, canaryShares) };
}

function perBucket(intervals: ReturnType<typeof simulateBuckets>[], buckets: number): IntervalCounts[][] {
  return Array.from({ length: buckets }, (_, k) =>
    intervals.map((iv) => ({ nA: iv.nA, nB: iv.nB, xA: iv.a[k] as number, xB: iv.b[k] as number })),
  );
}

describe('distributionShiftLogE', () => {
  const shares = [0.55, 0.3, 0.1, 0.04, 0.01];

  it('is the sum over buckets of the two-sided rate-ratio mixtures at ratio 1', () => {
    const random = mulberry32(1);
    const ivs = Array.from({ length: 4 }, (_, i) => simulateBuckets(random, i, shares, shares));
    const buckets = perBucket(ivs, shares.length);
    const sum = buckets.reduce((s, b) => s + rateRatioTwoSidedLogE(b, { rNull: 1 }), 0);
    expect(distributionShiftLogE(buckets)).toBeCloseTo(sum, 12);
  });

  it.each([60, 6000])('keeps the false-fail rate at or below α when canary and baseline share a distribution (%s requests per interval, 500 runs × 20 looks, split stepping)', (requests) => {
    const random = mulberry32(requests);
    const runs = 500;
    const maxima: number[] = [];
    for (let run = 0; run < runs; run++) {
      const ivs = Array.from({ length: 20 }, (_, i) => simulateBuckets(random, i, shares, shares, requests));
      const buckets = perBucket(ivs, shares.length);
      let max = -Infinity;
      for (let t = 1; t <= ivs.length; t++) max = Math.max(max, distributionShiftLogE(buckets.map((b) => b.slice(0, t))));
      maxima.push(max);
    }
    for (const alpha of [0.05, 0.01]) {
      const rate = maxima.filter((m) => m >= Math.log(1 / alpha)).length / runs;
      console.log(`[distribution shift] no change, ${requests} requests/interval, α=${alpha}: false-fail rate ${rate.toFixed(4)}`);
      expect(rate).toBeLessThanOrEqual(noiseBound(alpha, runs));
    }
  });

  it('detects a canary whose latency mass moved from the fastest bucket to the slower ones', () => {
    const random = mulberry32(3);
    const shifted = [0.45, 0.35, 0.14, 0.05, 0.01];
    const ivs = Array.from({ length: 10 }, (_, i) => simulateBuckets(random, i + 8, shares, shifted));
    expect(distributionShiftLogE(perBucket(ivs, shares.length))).toBeGreaterThan(Math.log(100));
  });
});
