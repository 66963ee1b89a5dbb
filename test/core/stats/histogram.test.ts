import { describe, expect, it } from 'vitest';
import { bucketCounts, histogramQuantile, slowCount } from '../../../src/core/stats/histogram.js';

const INF = Infinity;

/**
 * Expected values from Prometheus's own PromQL test data for classic histograms
 * (prometheus/prometheus promql/promqltest/testdata/histograms.test), using the bucket counts at the
 * evaluation time (a rate() only rescales them, which histogram_quantile ignores).
 */
describe('histogramQuantile matches Prometheus histogram_quantile', () => {
  // testhistogram{start="positive"} at 50m: le 0.1, .2, 1e0, +Inf → 50, 70, 110, 120
  const positive = { le: [0.1, 0.2, 1, INF], cum: [50, 70, 110, 120] };
  // testhistogram{start="negative"} at 50m: le -.2, -0.1, 0.3, +Inf → 10, 20, 20, 30
  const negative = { le: [-0.2, -0.1, 0.3, INF], cum: [10, 20, 20, 30] };

  it.each([
    [0, 0],
    [0.2, 0.048],
    [0.5, 0.15],
    [0.8, 0.72],
    [1, 1],
  ])('interpolates linearly within a bucket from a lower bound of 0 (q = %s → %s)', (q, v) => {
    expect(histogramQuantile(q, positive.le, positive.cum)).toBeCloseTo(v, 12);
  });

  it.each([
    [0, -0.2],
    [0.2, -0.2],
    [0.5, -0.15],
    [0.8, 0.3],
    [1, 0.3],
  ])('returns the lowest bound when the quantile falls in a lowest bucket with le ≤ 0, and the highest finite le in +Inf (q = %s → %s)', (q, v) => {
    expect(histogramQuantile(q, negative.le, negative.cum)).toBeCloseTo(v, 12);
  });

  it('lands in the middle of buckets where the ranks say so (testhistogram2: q 1/6, 1/2, 5/6 → 1, 3, 5)', () => {
    const le = [0, 2, 4, 6, INF];
    const cum = [0, 1, 2, 3, 3];
    expect(histogramQuantile(1 / 6, le, cum)).toBeCloseTo(1, 12);
    expect(histogramQuantile(0.5, le, cum)).toBeCloseTo(3, 12);
    expect(histogramQuantile(5 / 6, le, cum)).toBeCloseTo(5, 12);
  });

  it('handles an empty +Inf bucket and a zero-width lowest bucket (testhistogram3)', () => {
    const le = [0, 0.1, 0.2, 1, INF];
    const cum = [0, 50, 70, 110, 110];
    const expected: Array<[number, number]> = [[0, 0], [0.25, 0.055], [0.5, 0.125], [0.75, 0.45], [1, 1]];
    for (const [q, v] of expected) expect(histogramQuantile(q, le, cum)).toBeCloseTo(v, 12);
    const neg = { le: [-0.25, -0.2, -0.1, 0.3, INF], cum: [0, 10, 20, 20, 20] };
    const expectedNeg: Array<[number, number]> = [[0, -0.25], [0.25, -0.225], [0.5, -0.2], [0.75, -0.15], [1, -0.1]];
    for (const [q, v] of expectedNeg) expect(histogramQuantile(q, neg.le, neg.cum)).toBeCloseTo(v, 12);
  });

  it('takes the envelope of non-monotonic counts, including a +Inf count below a finite bucket (nonmonotonic_bucket)', () => {
    const le = [0.1, 1, 10, 100, 1000, INF];
    const cum = [20, 10, 50, 40, 90, 80];
    expect(histogramQuantile(0.01, le, cum)).toBeCloseTo(0.0045, 12);
    expect(histogramQuantile(0.5, le, cum)).toBeCloseTo(8.5, 12);
    expect(histogramQuantile(0.99, le, cum)).toBeCloseTo(979.75, 10);
  });

  it('merges buckets with the same upper bound written differently (mixed_bucket: "0.2", "2e-1", "2.0e-1")', () => {
    const le = [0.1, 0.2, 2e-1, 2.0e-1, INF];
    const cum = [1, 1, 1, 1, 4];
    expect(histogramQuantile(0.5, le, cum)).toBeCloseTo(0.15, 12);
    expect(histogramQuantile(0.75, le, cum)).toBeCloseTo(0.2, 12);
    expect(histogramQuantile(1, le, cum)).toBeCloseTo(0.2, 12);
    expect(histogramQuantile(0.5, [INF, INF], [0, 0])).toBeNaN(); // "+inf" and "+Inf" merge into one bucket
  });

  it('aggregates like sum by (le) (request_duration_seconds: q 0.3 → 0.075, q 0.5 → 0.12777…)', () => {
    const le = [0.1, 0.2, INF];
    const cum = [1 + 2 + 3 + 4, 3 + 5 + 4 + 7, 4 + 6 + 6 + 9];
    expect(histogramQuantile(0.3, le, cum)).toBeCloseTo(0.075, 12);
    expect(histogramQuantile(0.5, le, cum)).toBeCloseTo(0.1277777777777778, 12);
  });

  it('is NaN with no observations, without a +Inf bucket, or with fewer than two buckets', () => {
    expect(histogramQuantile(0.2, [0.1, 0.2, INF], [0, 0, 0])).toBeNaN();
    expect(histogramQuantile(0.5, [0.1, 0.2, 1], [1, 2, 3])).toBeNaN();
    expect(histogramQuantile(0.5, [INF], [10])).toBeNaN();
    expect(histogramQuantile(0.5, [], [])).toBeNaN();
  });

  it('maps q < 0 to −∞, q > 1 to +∞ and NaN to NaN, before looking at the buckets', () => {
    expect(histogramQuantile(-0.1, positive.le, positive.cum)).toBe(-Infinity);
    expect(histogramQuantile(1.01, positive.le, positive.cum)).toBe(Infinity);
    expect(histogramQuantile(Number.NaN, positive.le, positive.cum)).toBeNaN();
    expect(histogramQuantile(-0.1, [INF], [0])).toBe(-Infinity);
  });

  it('accepts buckets in any order and ignores float noise in the counts', () => {
    expect(histogramQuantile(0.5, [INF, 1, 0.2, 0.1], [120, 110, 70, 50])).toBeCloseTo(0.15, 12);
    expect(histogramQuantile(0.5, [0.1, 0.2, 1, INF], [50, 70 * (1 + 1e-14), 110, 120])).toBeCloseTo(0.15, 12);
  });
});

describe('slowCount', () => {
  const le = [0.05, 0.1, 0.25, 0.5, 1, INF];
  const cum = [400, 700, 900, 960, 990, 1000];

  it('counts events above an exact bucket boundary', () => {
    expect(slowCount(le, cum, 0.25)).toEqual({ slow: 100, total: 1000, boundUsed: 0.25 });
  });

  it('rounds a bound between boundaries up to the next le (only certainly-slower events count)', () => {
    expect(slowCount(le, cum, 0.3)).toEqual({ slow: 40, total: 1000, boundUsed: 0.5 });
    expect(slowCount(le, cum, 0.01)).toEqual({ slow: 600, total: 1000, boundUsed: 0.05 });
  });

  it('treats a bound within float formatting of an le as that le', () => {
    expect(slowCount(le, cum, 0.25 * (1 + 1e-12)).boundUsed).toBe(0.25);
    expect(slowCount(le, cum, 0.1 + 0.2 - 0.05).boundUsed).toBe(0.25);
  });

  it('returns slow = 0 with boundUsed = +∞ for a bound above every finite bucket', () => {
    expect(slowCount(le, cum, 5)).toEqual({ slow: 0, total: 1000, boundUsed: Infinity });
  });

  it('never reports a negative count when the +Inf bucket lags a finite one', () => {
    expect(slowCount([0.1, 1, INF], [5, 12, 11], 1).slow).toBe(0);
  });
});

describe('bucketCounts', () => {
  it('turns cumulative counts into per-bucket counts, taking decreases from the monotone envelope', () => {
    expect(bucketCounts([400, 700, 900, 1000])).toEqual([400, 300, 200, 100]);
    expect(bucketCounts([20, 10, 50])).toEqual([20, 0, 30]); // envelope 20, 20, 50: sums to 50, not 60
    expect(bucketCounts([])).toEqual([]);
  });
});
