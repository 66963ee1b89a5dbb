import { describe, expect, it } from 'vitest';
import { binomialSumUpperTail } from '../../../src/core/stats/binomial-sum-tail.js';
import { errorSpendingTest, type SpendingStep } from '../../../src/core/stats/error-spending.js';
import { binomial, mulberry32, poisson } from '../../../src/core/stats/random.js';
import { rateRatioLooks, SPENDING, spendingAt } from '../../../src/core/stats/rate-ratio-looks.js';
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';
import { clopperPearson } from '../../../bench/detection/report/binomial-interval.js';

// Reference values: a brute-force dynamic program in Python over the exact pmf
// (scipy 1.17.1 scipy.stats.binom.pmf), carrying the distribution of the running count from look
// to look and removing what reached each look's boundary; the boundary is the smallest count whose
// remaining upper tail fits in (cumulative spend − spent so far).
const steps = (observed: number[]): SpendingStep[] =>
  [
    { m: 5, theta: 0.2, spend: 0.01 },
    { m: 7, theta: 0.3, spend: 0.03 },
    { m: 6, theta: 0.25, spend: 0.05 },
    { m: 8, theta: 0.1, spend: 0.08 },
  ].map((s, i) => ({ ...s, observed: observed[i]! }));

describe('errorSpendingTest', () => {
  // Both paths end at look 4 of the same steps, so they share its boundary (9) and what it may spend.
  it.each([
    { path: 'a crossing path', observed: [2, 5, 8, 9], rejected: true, pValue: 0.04261402501994197 },
    { path: 'a path that never reached a boundary', observed: [1, 3, 5, 6], rejected: false, pValue: 0.4296791203636075 },
  ])('matches the brute-force boundary, p-value and spending of $path', ({ observed, rejected, pValue }) => {
    const out = errorSpendingTest(steps(observed));
    expect(out.rejected).toBe(rejected);
    expect(out.boundary).toBe(9);
    expect(out.pValue).toBeCloseTo(pValue, 13);
    expect(out.alpha).toBeCloseTo(0.046862277265500026, 13);
    expect(out.pValue <= out.alpha).toBe(rejected);
  });

  it('lets only the last look reject: an earlier crossing was decided at its own tick', () => {
    const path = steps([5, 5, 5, 5]);
    const first = errorSpendingTest(path.slice(0, 1));
    expect(first).toMatchObject({ rejected: true, boundary: 4 });
    // Judged again three looks later, the same first look does not reject a second time.
    expect(errorSpendingTest(path).rejected).toBe(false);
  });

  it('spending everything at the last look only is the fixed-sample test: the tail of the sum of binomials', () => {
    // 472 trials over 15 looks at θ = 0.1: P(X ≥ 67) = 0.0023507455048413567 (scipy binom.sf(66, 472, 0.1)).
    const ms = Array.from({ length: 15 }, (_, i) => (i < 8 ? 31 : 32));
    expect(ms.reduce((a, b) => a + b, 0)).toBe(472);
    const path = ms.map((m, i) => ({ m, theta: 0.1, observed: i === 14 ? 67 : 0, spend: i === 14 ? 0.006 : 0 }));
    const out = errorSpendingTest(path);
    expect(out.pValue).toBeCloseTo(0.0023507455048413567, 12);
    expect(out.rejected).toBe(true);
  });

  it('on the coarse lattice of large counts agrees with the tail of the sum to within 1%', () => {
    // Variance 27,000 (over the exact limit): the end-only p-value against the tail of the sum.
    const ms = Array.from({ length: 10 }, () => 30_000);
    const x = 30_000 + 3.1 * Math.sqrt(300_000 * 0.09);
    const path = ms.map((m, i) => ({ m, theta: 0.1, observed: i === 9 ? Math.round(x) : 0, spend: i === 9 ? 0.01 : 0 }));
    const exact = binomialSumUpperTail([{ m: 300_000, theta: 0.1 }], Math.round(x));
    const out = errorSpendingTest(path);
    expect(Math.abs(out.pValue / exact - 1)).toBeLessThan(0.01);
  });

  it('cannot reject where the allowance is smaller than any upper tail', () => {
    const out = errorSpendingTest([{ m: 3, theta: 0.5, observed: 3, spend: 0.1 }]);
    // P(X = 3) = 0.125 > 0.1: no count can reach a boundary.
    expect(out.boundary).toBe(Infinity);
    expect(out.rejected).toBe(false);
  });

  it('keeps the mean of steps narrower than a cell: an outage minute followed by single events', () => {
    // Variance 250,000 (cells of 10 events), then 99 steps of five trials (sd 1.1): rounded to whole
    // cells they would drift the null down and the boundary with it (3× too many rejections). Split
    // between neighbouring cells they keep their mean and only widen the null a little: the p-value
    // may come out a few percent high (conservative), never low.
    const parts = [{ m: 1_000_000, theta: 0.5 }, ...Array.from({ length: 99 }, () => ({ m: 5, theta: 0.5 }))];
    const total = parts.reduce((s, p) => s + p.m, 0);
    const x = Math.round(total / 2 + 3 * Math.sqrt(total / 4));
    const exact = binomialSumUpperTail(parts, x); // normal + Edgeworth at this size
    const path = parts.map((p, i) => ({ ...p, observed: i === parts.length - 1 ? x : 0, spend: i === parts.length - 1 ? 0.01 : 0 }));
    const out = errorSpendingTest(path);
    expect(out.pValue / exact).toBeGreaterThan(0.99);
    expect(out.pValue / exact).toBeLessThan(1.15);
  });

  it('takes a step without whole trials or with a share outside (0, 1) for no data: no crash, p = 1, no rejection', () => {
    for (const theta of [NaN, 0, 1, Infinity]) {
      const out = errorSpendingTest([{ m: 10, theta, observed: 10, spend: 0.5 }]);
      expect(out).toMatchObject({ rejected: false, pValue: 1, expected: 0 });
      // and the looks after it are judged as if it had not been there
      const next = errorSpendingTest([{ m: 10, theta, observed: 10, spend: 0.001 }, ...steps([5]).slice(0, 1)]);
      expect(next).toMatchObject({ rejected: true, boundary: 4 });
      expect(Number.isFinite(next.pValue)).toBe(true);
    }
    expect(errorSpendingTest([{ m: 2.5, theta: 0.5, observed: 2, spend: 0.5 }]).rejected).toBe(false);
    const look = rateRatioLooks([{ nA: 900, xA: 5, nB: 100, xB: 50 }], { rNull: NaN, alpha: 0.01, schedule: { looks: 15, final: true }, spending: SPENDING });
    expect(look).toMatchObject({ rejected: false, pValue: 1 });
  });
});

describe('rateRatioLooks', () => {
  it('spends α·[0.15 + 0.85·(t/T)^1.5] over the planned looks and all of it at the planned end', () => {
    expect(SPENDING).toEqual({ exponent: 1.5, firstLook: 0.15 });
    expect(spendingAt(0.01, 0, { looks: 16, final: false }, false, SPENDING)).toBe(0);
    expect(spendingAt(0.01, 1, { looks: 16, final: false }, true, SPENDING)).toBeCloseTo(0.01 * (0.15 + 0.85 / 64), 15);
    expect(spendingAt(0.01, 4, { looks: 16, final: false }, true, SPENDING)).toBeCloseTo(0.01 * (0.15 + 0.85 * 0.125), 15);
    expect(spendingAt(0.01, 4, { looks: 16, final: false }, true, { exponent: 2, firstLook: 0 })).toBeCloseTo(0.01 / 16, 15);
    expect(spendingAt(0.01, 3, { looks: 16, final: true }, true, SPENDING)).toBe(0.01);
    expect(spendingAt(0.01, 16, { looks: 16, final: false }, true, SPENDING)).toBeCloseTo(0.01, 15);
    expect(spendingAt(0.01, 30, { looks: 16, final: false }, true, SPENDING)).toBe(0.01);
    // Without planned looks only the planned end spends: no first-look allowance either.
    expect(spendingAt(0.01, 1, { looks: Infinity, final: false }, true, SPENDING)).toBe(0);
    expect(spendingAt(0.01, 3, { looks: Infinity, final: false }, true, SPENDING)).toBe(0);
  });

  it('gives each look the spending of its own position: look 4 of 16 may spend α·[0.15 + 0.85·(4/16)^1.5] in all', () => {
    const ivs = Array.from({ length: 4 }, () => ({ nA: 900, xA: 9, nB: 100, xB: 1 }));
    const look = rateRatioLooks(ivs, { rNull: 1, alpha: 0.01, schedule: { looks: 16, final: false }, spending: SPENDING });
    expect(look.look).toBe(4);
    // Nothing reached the earlier boundaries at these counts, so the fourth look spends its whole allowance less what the first three spent.
    const by = (t: number) => 0.01 * (0.15 + 0.85 * (t / 16) ** 1.5);
    expect(look.alpha).toBeLessThanOrEqual(by(4));
    expect(look.alpha).toBeGreaterThan(by(4) - by(3));
    const atTheEnd = rateRatioLooks(ivs, { rNull: 1, alpha: 0.01, schedule: { looks: 16, final: true }, spending: SPENDING });
    expect(atTheEnd.alpha).toBeGreaterThan(0.01 - by(3));
  });

  it('fails a severe regression at the first look, where the power family alone would wait', () => {
    // Minute 1 of a 4× regression at 10 of 100 req/s with 0.5% errors: 12 of 40 bad events in the
    // canary where 4 are expected. scipy.stats.binom.sf(11, 40, 0.1) = 3.8083e-4: above what ρ = 1.5
    // lets the first of 15 looks spend (α·15^-1.5 = 6.2e-5 at α = 0.8 × 0.45%), within α·[0.15 + …].
    const minute1 = [{ nA: 5400, xA: 28, nB: 600, xB: 12 }];
    const alpha = 0.0045 * 0.8;
    const schedule = { looks: 15, final: false };
    const withAllowance = rateRatioLooks(minute1, { rNull: 1, alpha, schedule, spending: SPENDING });
    expect(withAllowance.rejected).toBe(true);
    expect(withAllowance.pValue).toBeCloseTo(3.8083426673634285e-4, 8);
    expect(rateRatioLooks(minute1, { rNull: 1, alpha, schedule, spending: { exponent: 1.5, firstLook: 0 } }).rejected).toBe(false);
  });

  it('carries an allowance the first look could not use over to the next look', () => {
    const quiet = { nA: 5400, xA: 0, nB: 600, xB: 0 };
    const second = rateRatioLooks([quiet, { nA: 5400, xA: 27, nB: 600, xB: 3 }], { rNull: 1, alpha: 0.01, schedule: { looks: 15, final: false }, spending: SPENDING });
    // The first look had no bad events, so it spent nothing: the second may spend all that the two may.
    expect(second.alpha).toBeCloseTo(0.01 * (0.15 + 0.85 * (2 / 15) ** 1.5), 6);
  });

  /** No-change rollouts, the split stepping 5 → 50%, bad events optionally in clusters of `cluster`. */
  function falseRejections(cluster: number, phi: number, runs: number): number {
    const rng = mulberry32(20261123 + cluster);
    const weights = [0.05, 0.1, 0.25, 0.5];
    let rejected = 0;
    for (let r = 0; r < runs; r++) {
      const ivs: IntervalCounts[] = [];
      for (let t = 0; t < 15; t++) {
        const w = weights[Math.min(3, Math.floor(t / 4))]!;
        const nB = poisson(rng, 6000 * w);
        const nA = poisson(rng, 6000 * (1 - w));
        // Clusters of events land in an arm in proportion to its traffic; each holds `cluster` events.
        const clusters = poisson(rng, (0.005 * (nA + nB)) / cluster);
        const inB = binomial(rng, clusters, nB / (nA + nB));
        ivs.push({ nA, nB, xA: (clusters - inB) * cluster, xB: inB * cluster });
      }
      let hit = false;
      for (let t = 1; t <= 15 && !hit; t++) {
        hit = rateRatioLooks(ivs.slice(0, t), { rNull: 1, phi, alpha: 0.01, schedule: { looks: 15, final: t === 15 }, spending: SPENDING }).rejected;
      }
      if (hit) rejected++;
    }
    return rejected;
  }

  it('rejects no more than α of no-change rollouts looked at every interval (2,000 runs)', () => {
    const k = falseRejections(1, 1, 2000);
    const [lower] = clopperPearson(k, 2000);
    console.log(`[error-spending] independent errors: ${k}/2000 rejected at α = 1%`);
    expect(lower).toBeLessThan(0.01);
    expect(k).toBeGreaterThan(0); // it does spend its α: a test that never rejects would pass the line above
  });

  it('with errors in clusters of 3, rejects far more than α untempered and within α tempered by φ = 3', () => {
    const plain = falseRejections(3, 1, 1000);
    const tempered = falseRejections(3, 3, 1000);
    console.log(`[error-spending] clusters of 3: ${plain}/1000 rejected untempered, ${tempered}/1000 tempered`);
    expect(clopperPearson(plain, 1000)[0]).toBeGreaterThan(0.01);
    expect(clopperPearson(tempered, 1000)[0]).toBeLessThan(0.01);
  });

  it('a look with nothing to test answers p = 1 and never rejects', () => {
    const none = rateRatioLooks([{ nA: 0, nB: 0, xA: 0, xB: 0 }], { rNull: 1, alpha: 0.01, schedule: { looks: 15, final: true }, spending: SPENDING });
    expect(none).toMatchObject({ rejected: false, pValue: 1, observed: 0 });
    expect(rateRatioLooks([], { rNull: 1, alpha: 0.01, schedule: { looks: 15, final: true }, spending: SPENDING }).pValue).toBe(1);
  });
});
