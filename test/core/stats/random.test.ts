import { describe, expect, it } from 'vitest';
import { binomial, mulberry32, poisson } from '../../../src/core/stats/random.js';
import { lnBeta, lnGamma, normalQuantile } from '../../../src/core/stats/special.js';

/** χ² goodness of fit of integer draws to a pmf, bins with expected count < 5 pooled into the tails. */
function chiSquare(draws: readonly number[], lnPmf: (k: number) => number, lo: number, hi: number): { stat: number; df: number } {
  const n = draws.length;
  const counts = new Map<number, number>();
  for (const d of draws) counts.set(d, (counts.get(d) ?? 0) + 1);
  let stat = 0;
  let df = -1;
  let pooledObs = 0;
  let pooledExp = 0;
  let accounted = 0;
  for (let k = lo; k <= hi; k++) {
    const expected = n * Math.exp(lnPmf(k));
    const observed = counts.get(k) ?? 0;
    accounted += observed;
    if (expected < 5) {
      pooledObs += observed;
      pooledExp += expected;
      continue;
    }
    stat += (observed - expected) ** 2 / expected;
    df++;
  }
  pooledObs += n - accounted;
  pooledExp = Math.max(pooledExp, 1e-9);
  stat += (pooledObs - pooledExp) ** 2 / Math.max(pooledExp, 5);
  df++;
  return { stat, df };
}

/** 99.9% quantile of χ²_df by Wilson–Hilferty (accurate to a few % for df ≥ 10). */
const chiSquare999 = (df: number) => df * (1 - 2 / (9 * df) + normalQuantile(0.999) * Math.sqrt(2 / (9 * df))) ** 3;

describe('mulberry32', () => {
  it('replays the same stream from the same seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 2);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });
});

describe('poisson', () => {
  it.each([0.3, 4, 9.99, 10, 30, 600, 5400])('draws from Poisson(%s) (χ² at 99.9%%, 20 000 draws)', (mean) => {
    const random = mulberry32(Math.round(mean * 1000));
    const draws = Array.from({ length: 20000 }, () => poisson(random, mean));
    const sd = Math.sqrt(mean);
    const { stat, df } = chiSquare(
      draws,
      (k) => k * Math.log(mean) - mean - lnGamma(k + 1),
      Math.max(0, Math.floor(mean - 6 * sd)),
      Math.ceil(mean + 6 * sd + 6),
    );
    expect(stat).toBeLessThan(chiSquare999(Math.max(df, 10)));
  });

  it('handles means up to 1e5 with the right mean and variance', () => {
    const random = mulberry32(9);
    const draws = Array.from({ length: 20000 }, () => poisson(random, 1e5));
    const m = draws.reduce((s, x) => s + x, 0) / draws.length;
    const v = draws.reduce((s, x) => s + (x - m) ** 2, 0) / (draws.length - 1);
    expect(Math.abs(m - 1e5)).toBeLessThan(5 * Math.sqrt(1e5 / draws.length));
    expect(v / 1e5).toBeGreaterThan(0.95);
    expect(v / 1e5).toBeLessThan(1.05);
    expect(draws.every(Number.isInteger)).toBe(true);
  });

  it('returns 0 for a zero, negative or NaN mean', () => {
    const random = mulberry32(1);
    expect(poisson(random, 0)).toBe(0);
    expect(poisson(random, -3)).toBe(0);
    expect(poisson(random, Number.NaN)).toBe(0);
  });
});

describe('binomial', () => {
  it.each([
    [600, 0.005], // inversion (n·p = 3)
    [5400, 0.005], // BTRS (n·p = 27)
    [100, 0.7], // reflected
    [20, 0.5],
    [100000, 0.01],
  ])('draws from Binomial(%s, %s) (χ² at 99.9%%, 20 000 draws)', (n, p) => {
    const random = mulberry32(n + Math.round(p * 1000));
    const draws = Array.from({ length: 20000 }, () => binomial(random, n, p));
    const sd = Math.sqrt(n * p * (1 - p));
    const lnPmf = (k: number) =>
      k < 0 || k > n ? -Infinity : -Math.log(n + 1) - lnBeta(k + 1, n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
    const { stat, df } = chiSquare(draws, lnPmf, Math.max(0, Math.floor(n * p - 6 * sd)), Math.min(n, Math.ceil(n * p + 6 * sd + 6)));
    expect(stat).toBeLessThan(chiSquare999(Math.max(df, 10)));
    expect(draws.every((k) => Number.isInteger(k) && k >= 0 && k <= n)).toBe(true);
  });

  it('handles the edges: p = 0, p = 1, n = 0', () => {
    const random = mulberry32(3);
    expect(binomial(random, 50, 0)).toBe(0);
    expect(binomial(random, 50, 1)).toBe(50);
    expect(binomial(random, 0, 0.3)).toBe(0);
  });
});
