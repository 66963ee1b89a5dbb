import { describe, expect, it } from 'vitest';
import {
  oneSidedBetaBinomialLogBF,
  ratioToTheta,
  thetaToRatio,
  toleranceTheta,
  twoSidedBetaBinomialLogBF,
} from '../../../src/core/stats/beta-binomial-mixture.js';
import { lnBeta, logSumExp } from '../../../src/core/stats/special.js';

/**
 * ln ∫_lo^hi LR(θ) π(θ) dθ by composite Simpson in log space, LR = (θ/θ0)^xB ((1−θ)/(1−θ0))^xA and
 * π the Beta(cθ0, c(1−θ0)) density. Brute force on purpose: it shares nothing with the closed form
 * but ln B(a, b) for the prior's normaliser.
 */
function lnIntegral(xA: number, xB: number, theta0: number, c: number, lo: number, hi: number, n = 200_000): number {
  const a = c * theta0;
  const b = c * (1 - theta0);
  const h = (hi - lo) / n;
  const terms: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t = lo + i * h;
    if (t <= 0 || t >= 1) continue; // the integrand vanishes at the ends for a, b ≥ 1
    const lnLR = xB * Math.log(t / theta0) + xA * Math.log((1 - t) / (1 - theta0));
    const lnPrior = (a - 1) * Math.log(t) + (b - 1) * Math.log(1 - t) - lnBeta(a, b);
    const simpson = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    terms.push(lnLR + lnPrior + Math.log((simpson * h) / 3));
  }
  return logSumExp(terms);
}

function bruteOneSided(xA: number, xB: number, theta0: number, c: number): number {
  return lnIntegral(xA, xB, theta0, c, theta0, 1) - lnIntegral(0, 0, theta0, c, theta0, 1);
}

describe('oneSidedBetaBinomialLogBF', () => {
  const cases: Array<[number, number, number, number]> = [
    // xA, xB, θ0, c   (a = cθ0 and b = c(1−θ0) kept ≥ 1 so plain Simpson converges)
    [27, 3, 0.1, 10],
    [27, 9, 0.1, 10],
    [20, 8, 0.1, 20],
    [50, 50, 0.5, 10],
    [12.5, 3.7, 0.2, 15], // extrapolated, non-integer counts
    [300, 60, 0.1, 100],
    [900, 0, 0.5, 10], // canary far better: posterior tail e^−606
  ];
  it.each(cases)('equals numerical integration of the truncated prior times the likelihood ratio (xA=%s, xB=%s, θ0=%s, c=%s)', (xA, xB, theta0, c) => {
    expect(oneSidedBetaBinomialLogBF(xA, xB, theta0, c)).toBeCloseTo(bruteOneSided(xA, xB, theta0, c), 6);
  });

  it('keeps a canary far better than baseline finite and below 0 (no underflowed tail turned into a rollback)', () => {
    const v = oneSidedBetaBinomialLogBF(900, 0, 0.5, 10);
    expect(Number.isFinite(v)).toBe(true);
    // The two-sided factor is e^+599 here; only the e^−606 posterior tail brings it down.
    expect(twoSidedBetaBinomialLogBF(900, 0, 0.5, 10)).toBeGreaterThan(590);
    expect(v).toBeLessThan(-5);
    expect(v).toBeGreaterThan(-7);
    // And further still: 10⁵ baseline errors, none on the canary, still finite.
    expect(Number.isFinite(oneSidedBetaBinomialLogBF(1e5, 0, 0.5, 10))).toBe(true);
    expect(oneSidedBetaBinomialLogBF(1e5, 0, 0.5, 10)).toBeLessThan(0);
  });

  it('grows with evidence when the canary is worse', () => {
    // θ0 = 0.1 but the canary has 30% of the bad events.
    const small = oneSidedBetaBinomialLogBF(21, 9, 0.1, 10);
    const large = oneSidedBetaBinomialLogBF(210, 90, 0.1, 10);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small + 20);
  });

  it('has expectation exactly 1 under θ0 and below 1 under a better canary (exact enumeration, m = 40)', () => {
    const m = 40;
    const lnBinom = (k: number, p: number) =>
      -lnBeta(k + 1, m - k + 1) - Math.log(m + 1) + k * Math.log(p) + (m - k) * Math.log1p(-p);
    const mean = (p: number) =>
      Math.exp(logSumExp(Array.from({ length: m + 1 }, (_, k) => lnBinom(k, p) + oneSidedBetaBinomialLogBF(m - k, k, 0.1, 10))));
    expect(mean(0.1)).toBeCloseTo(1, 10);
    expect(mean(0.05)).toBeLessThan(1);
  });
});

describe('twoSidedBetaBinomialLogBF', () => {
  it.each([
    [27, 3, 0.1, 10],
    [5, 15, 0.5, 4],
    [40.5, 2.25, 0.3, 12],
  ])('equals numerical integration over the whole prior (xA=%s, xB=%s, θ0=%s, c=%s)', (xA, xB, theta0, c) => {
    expect(twoSidedBetaBinomialLogBF(xA, xB, theta0, c)).toBeCloseTo(lnIntegral(xA, xB, theta0, c, 0, 1), 6);
  });

  it('is 0 (BF = 1) with no events', () => {
    expect(twoSidedBetaBinomialLogBF(0, 0, 0.2, 10)).toBe(0);
    expect(oneSidedBetaBinomialLogBF(0, 0, 0.2, 10)).toBeCloseTo(0, 14);
  });
});

describe('tolerance and the θ ↔ ratio maps', () => {
  it('maps a tolerated ratio r0 to θ0′ = r0θ0/(1−θ0+r0θ0)', () => {
    expect(toleranceTheta(0.1, 1)).toBeCloseTo(0.1, 15);
    expect(toleranceTheta(0.1, 1.2)).toBeCloseTo(0.12 / 1.02, 15);
    expect(toleranceTheta(0.5, 3)).toBeCloseTo(0.75, 15);
  });

  it('round-trips θ → r → θ and sends the ends to 0 and ∞', () => {
    for (const theta0 of [0.01, 0.1, 0.5, 0.9]) {
      for (const r of [0.1, 1, 1.7, 20]) expect(thetaToRatio(ratioToTheta(r, theta0), theta0)).toBeCloseTo(r, 10);
    }
    expect(thetaToRatio(0, 0.3)).toBe(0);
    expect(thetaToRatio(1, 0.3)).toBe(Infinity);
    expect(ratioToTheta(Infinity, 0.3)).toBe(1);
  });
});
