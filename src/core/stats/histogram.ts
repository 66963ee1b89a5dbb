/**
 * Prometheus classic histograms: cumulative bucket counts by upper bound `le`, +Inf last.
 *
 * histogramQuantile reproduces PromQL's histogram_quantile for classic buckets
 * (prometheus/prometheus promql/quantile.go, bucketQuantile) so that the numbers in our
 * explanations match the dashboards on-call is looking at:
 * - q NaN → NaN; q < 0 → −∞; q > 1 → +∞ (checked first, before looking at the buckets);
 * - buckets sorted by le; the highest must be +Inf, else NaN; equal le are merged by adding counts;
 * - counts that differ from the previous bucket's by a relative 1e-12 or less are set equal to it
 *   (float noise from rate()/sum()), then any decrease is lifted to the running maximum
 *   (the "envelope" monotonicity fix);
 * - fewer than two buckets, or zero observations (the +Inf count), → NaN;
 * - rank = q·count; the first bucket with cumulative ≥ rank holds the quantile. In the +Inf
 *   bucket → the highest finite le. In the lowest bucket with le ≤ 0 → that le. Otherwise linear
 *   interpolation inside the bucket, whose lower end is the previous le (0 for the lowest one).
 */

interface Bucket {
  le: number;
  count: number;
}

/** Sort, merge equal bounds, fix float noise and non-monotonic counts, as Prometheus does. */
function normalisedBuckets(le: readonly number[], cumulative: readonly number[]): Bucket[] {
  const sorted = le.map((b, i) => ({ le: b, count: cumulative[i] as number })).sort((x, y) => x.le - y.le);
  const merged: Bucket[] = [];
  for (const b of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.le === b.le) last.count += b.count;
    else merged.push({ ...b });
  }
  // Precision fix (tolerance 1e-12, relative to the later count).
  let prev = (merged[0] as Bucket).count;
  for (let i = 1; i < merged.length; i++) {
    const b = merged[i] as Bucket;
    const delta = Math.abs(b.count - prev);
    if (delta === 0) continue;
    if (delta / b.count <= 1e-12) b.count = prev;
    else prev = b.count;
  }
  // Envelope: no bucket may count fewer than one below it.
  let max = (merged[0] as Bucket).count;
  for (let i = 1; i < merged.length; i++) {
    const b = merged[i] as Bucket;
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  return merged;
}

/** PromQL histogram_quantile(q, …) over one histogram's cumulative buckets (see file comment). */
export function histogramQuantile(q: number, le: readonly number[], cumulative: readonly number[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (le.length === 0 || le.length !== cumulative.length) return NaN;
  if (Math.max(...le) !== Infinity) return NaN;
  const buckets = normalisedBuckets(le, cumulative);
  if (buckets.length < 2) return NaN;
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = buckets.findIndex((bucket, i) => i < buckets.length - 1 && bucket.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return (buckets[buckets.length - 2] as Bucket).le;
  const bucket = buckets[b] as Bucket;
  if (b === 0 && bucket.le <= 0) return bucket.le;
  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const below = buckets[b - 1] as Bucket;
    start = below.le;
    count -= below.count;
    rank -= below.count;
  }
  return start + (bucket.le - start) * (rank / count);
}

/**
 * Events slower than a latency bound, for the tail-exceedance test: slow = count(+Inf) −
 * cumulative(le*), where le* is the smallest bucket bound at or above `bound`.
 *
 * Why round up: a histogram cannot split a bucket, and using the same le* for both arms keeps the
 * canary-vs-baseline comparison exact; rounding up counts only requests that are certainly slower
 * than `bound`. A bound within a relative 1e-9 of an le is treated as that le (so 0.3 matches a
 * bucket labelled "0.3" despite float formatting). A bound above every finite le uses +Inf:
 * nothing is measurably slower, so slow = 0 and boundUsed = +Inf. Non-monotonic or negative
 * differences are clamped to 0.
 */
export function slowCount(
  le: readonly number[],
  cumulative: readonly number[],
  bound: number,
): { slow: number; total: number; boundUsed: number } {
  const pairs = le.map((b, i) => ({ le: b, count: cumulative[i] as number })).sort((x, y) => x.le - y.le);
  const total = pairs.find((p) => p.le === Infinity)?.count ?? NaN;
  const near = (x: number) => Math.abs(x - bound) <= 1e-9 * Math.max(Math.abs(x), Math.abs(bound));
  const chosen = pairs.find((p) => p.le >= bound || near(p.le));
  if (chosen === undefined || chosen.le === Infinity) return { slow: 0, total, boundUsed: Infinity };
  return { slow: Math.max(0, total - chosen.count), total, boundUsed: chosen.le };
}

/**
 * Per-bucket (non-cumulative) counts from cumulative ones, in the given (ascending-le) order.
 * Differences are taken from the running maximum — Prometheus's monotonicity envelope — so every
 * count is ≥ 0 and they add up to the largest cumulative count instead of double-counting the
 * events a lagging bucket "lost".
 */
export function bucketCounts(cumulative: readonly number[]): number[] {
  let max = 0;
  return cumulative.map((c) => {
    const count = Math.max(0, c - max);
    max = Math.max(max, c);
    return count;
  });
}
