import type { Buckets, Evidence, HistogramMetricSpec, Measurement } from '../analysis/model.js';
import { distributionShiftLogE } from '../stats/distribution-shift.js';
import { bucketCounts, histogramQuantile, slowCount } from '../stats/histogram.js';
import { gammaPoissonOneSidedLogBF } from '../stats/poisson-burn.js';
import type { IntervalCounts } from '../stats/rate-ratio.js';
import { logThreshold, splitAlpha } from './alpha.js';
import { okData } from './interval-counts.js';
import { formatPercent, formatRatio, type JudgeContext, type MetricJudgement } from './judgement.js';
import { measurementHealth, unmeasurableReason } from './measurement-health.js';
import { DEFAULT_PHI, poissonUpperBound } from './poisson-bound.js';
import { comparisonRows, compareRates, MIN_INFORMATIVE_INTERVALS, missingEvents, type RateComparison } from './rate-comparison.js';
import { describeMissing } from './ratio-judge.js';

type HistogramData = { canary: Buckets; baseline: Buckets };
type TestRow = NonNullable<Evidence['tests']>[number];

/**
 * Latency from Prometheus histograms (STATISTICS.md): for each bound L, the share of requests slower
 * than L is compared canary vs baseline with the same sequential rate test as errors; absolute
 * quantile bounds test the canary's slow share against 1 − q; the whole-distribution test catches
 * shape changes. Each test gets an equal share of the metric's α.
 */
export function judgeHistogram(spec: HistogramMetricSpec, measurements: readonly Measurement[], ctx: JudgeContext): MetricJudgement {
  const health = measurementHealth(measurements);
  const data = okData(measurements, 'histogram').filter((d) => hasObservations(d));
  const bounds = spec.bounds.length > 0 ? spec.bounds : derivedBounds(data);
  const nTests = bounds.length + spec.quantileBounds.length + (spec.distributionTest ? 1 : 0);
  const alpha = splitAlpha(ctx.alpha, Math.max(1, nTests));

  const tails = bounds.map((bound) => tailTest(data, bound, spec.tolerance, alpha, ctx));
  // Like the tail tests (rate-comparison.ts), no test may fail on one interval's data alone.
  const enoughIntervals = data.length >= MIN_INFORMATIVE_INTERVALS;
  const quantiles = spec.quantileBounds.map((qb) => quantileTest(data, qb, alpha)).map((q) => ({ ...q, fired: q.fired && enoughIntervals }));
  const shape = spec.distributionTest ? ((t) => ({ ...t, fired: t.fired && enoughIntervals }))(distributionTest(data, alpha)) : null;
  const totals = pooledTotals(data);
  const missing = missingEvents({ nA: totals.baseline, xA: 0, nB: totals.canary, xB: 0 }, spec.minEvents);

  const estimates = quantileEstimates(data);
  const worst = tails.reduce<RateComparison | null>((w, t) => (w === null || t.cmp.upper > w.upper ? t.cmp : w), null);
  const tests: TestRow[] = [
    ...tails.flatMap((t) =>
      comparisonRows(t.cmp, {
        claim: `share slower than ${t.bound}s: canary ≤ ${spec.tolerance}× baseline`,
        detail: `canary ${formatPercent(t.cmp.canaryRate)} vs baseline ${formatPercent(t.cmp.baselineRate)}, ratio interval ${formatRatio(t.cmp.lower)}–${formatRatio(t.cmp.upper)}`,
        noun: 'slow requests',
      }),
    ),
    ...quantiles.map((q) => ({ name: `canary p${q.quantile * 100} ≤ ${q.maxSeconds}s`, logEValue: q.logEValue, logThreshold: q.logThreshold, fired: q.fired, detail: `slower than ${q.boundUsed}s: ${formatPercent(q.slowShare)} (allowed ${formatPercent(1 - q.quantile)})` })),
    ...(shape ? [{ name: 'latency distribution: canary same as baseline', logEValue: shape.logEValue, logThreshold: shape.logThreshold, fired: shape.fired, detail: shape.slower ? 'canary slower on average' : 'canary not slower on average' }] : []),
  ];
  const decisive = worst ?? null;
  const evidence: Evidence = {
    counts: { canary: { total: totals.canary, bad: decisive?.totals.xB ?? 0 }, baseline: { total: totals.baseline, bad: decisive?.totals.xA ?? 0 } },
    estimates,
    ...(decisive ? { interval: { quantity: 'slow-request ratio (canary / baseline)', lower: decisive.lower, upper: decisive.upper, confidence: 1 - alpha } } : {}),
    logEValue: Math.max(-Infinity, ...tests.map((t) => t.logEValue ?? -Infinity)),
    logThreshold: logThreshold(alpha),
    alpha: ctx.alpha,
    tests,
    missing,
    measurements: { ok: health.ok, nodata: health.nodata, error: health.error, consecutiveErrors: health.consecutiveErrors },
  };

  const fired = tests.find((t) => t.fired);
  if (fired) {
    // An exact-look row carries its p-value in the detail; the others their e-value.
    const strength = fired.pValue !== undefined ? '' : `; evidence e^${fired.logEValue!.toFixed(1)} ≥ e^${fired.logThreshold!.toFixed(1)}`;
    return { verdict: 'fail', evidence, reason: `${fired.name} is violated (${fired.detail})${strength}` };
  }
  const broken = unmeasurableReason(health, ctx.consecutiveErrorLimit);
  if (broken) return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'unmeasurable' }, reason: `cannot measure: ${broken}` };

  // Crossed on one interval only (maybe a burst): not a fail yet, and never a pass.
  const rawQuantileCross = quantiles.some((q) => q.logEValue >= q.logThreshold);
  const rawShapeCross = shape !== null && shape.slower && shape.logEValue >= shape.logThreshold;
  const heldBack = tails.some((t) => t.cmp.heldBack) || (!enoughIntervals && (rawQuantileCross || rawShapeCross));
  if (heldBack) {
    const reason = 'evidence of a latency regression from a single interval; waiting for a second one to tell it from a burst';
    return ctx.final ? { verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' }, reason } : { verdict: 'running', evidence, reason };
  }
  const enough = Object.keys(missing).length === 0 && bounds.length + quantiles.length > 0;
  const p99 = `p99 canary ${fmtSeconds(estimates.p99Canary)} vs baseline ${fmtSeconds(estimates.p99Baseline)}`;
  const tailsClear = tails.every((t) => t.cmp.upper < spec.passBelow) && quantiles.every((q) => q.clear);
  if (enough && tailsClear) return { verdict: 'pass', evidence, reason: `${p99}: ${ruledOut(tails)}` };
  if (ctx.final) {
    if (enough) return { verdict: 'pass', evidence, reason: `${p99}: no latency regression found` };
    return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' }, reason: bounds.length === 0 && data.length === 0 ? 'no latency observations' : `too few requests: ${describeMissing(missing)}` };
  }
  return { verdict: 'running', evidence, reason: enough ? p99 : `waiting for requests: ${describeMissing(missing)}` };
}

function hasObservations(d: HistogramData): boolean {
  return d.canary.le.length > 0 && d.baseline.le.length > 0;
}

/**
 * Without configured bounds, test at the bucket holding the baseline's p95 in the first interval
 * (fixed thereafter). A bound beyond the baseline's p99 sees too few slow requests to notice a
 * +10% tail (docs/judgment.md: 9% vs 65% power at 10 req/s).
 */
function derivedBounds(data: readonly HistogramData[]): number[] {
  const first = data.find((d) => last(d.baseline.cumulative) > 0);
  if (!first) return [];
  const p95 = histogramQuantile(0.95, first.baseline.le, first.baseline.cumulative);
  const le = first.baseline.le.find((b) => b >= p95 && Number.isFinite(b));
  return le === undefined ? [] : [le];
}

function tailTest(data: readonly HistogramData[], bound: number, tolerance: number, alpha: number, ctx: JudgeContext) {
  const intervals: IntervalCounts[] = data.map((d) => {
    const a = slowCount(d.baseline.le, d.baseline.cumulative, bound);
    const b = slowCount(d.canary.le, d.canary.cumulative, bound);
    return { nA: a.total, xA: a.slow, nB: b.total, xB: b.slow };
  });
  return { bound, cmp: compareRates(intervals, { alpha, tolerance, final: ctx.final, plannedLooks: ctx.plannedTicks }) };
}

function quantileTest(data: readonly HistogramData[], qb: { quantile: number; maxSeconds: number }, alpha: number) {
  let slow = 0;
  let total = 0;
  let boundUsed = qb.maxSeconds;
  for (const d of data) {
    const c = slowCount(d.canary.le, d.canary.cumulative, qb.maxSeconds);
    slow += c.slow;
    total += c.total;
    boundUsed = c.boundUsed;
  }
  const allowed = 1 - qb.quantile;
  const logE = total > 0 ? gammaPoissonOneSidedLogBF(slow, allowed * total, DEFAULT_PHI) : 0;
  const threshold = logThreshold(alpha);
  const upper = total > 0 ? poissonUpperBound(slow, alpha) / total : Infinity;
  return { ...qb, boundUsed, slowShare: total > 0 ? slow / total : null, logEValue: logE, logThreshold: threshold, fired: logE >= threshold, clear: upper < allowed };
}

function distributionTest(data: readonly HistogramData[], alpha: number) {
  const k = data[0]?.canary.le.length ?? 0;
  const perBucket: IntervalCounts[][] = Array.from({ length: k }, () => []);
  for (const d of data) {
    if (d.canary.le.length !== k || d.baseline.le.length !== k) continue;
    const a = bucketCounts(d.baseline.cumulative);
    const b = bucketCounts(d.canary.cumulative);
    const nA = last(d.baseline.cumulative);
    const nB = last(d.canary.cumulative);
    for (let j = 0; j < k; j++) perBucket[j]!.push({ nA, xA: a[j] ?? 0, nB, xB: b[j] ?? 0 });
  }
  // The shape test is two-sided; only a canary with the heavier tail (the share above the baseline's
  // p90 bucket) may fail the metric. A mean-bucket gate halved its power: a tail can widen while the
  // median stays put (docs/judgment.md).
  const slower = heavierTail(data);
  const logE = distributionShiftLogE(perBucket);
  const threshold = logThreshold(alpha);
  return { logEValue: logE, logThreshold: threshold, fired: slower && logE >= threshold, slower };
}

function heavierTail(data: readonly HistogramData[]): boolean {
  const canary = sumBuckets(data.map((d) => d.canary));
  const baseline = sumBuckets(data.map((d) => d.baseline));
  if (!canary || !baseline || last(canary.cumulative) <= 0 || last(baseline.cumulative) <= 0) return false;
  const p90 = histogramQuantile(0.9, baseline.le, baseline.cumulative);
  const bound = baseline.le.find((b) => b >= p90 && Number.isFinite(b));
  if (bound === undefined) return false;
  const share = (b: Buckets) => slowCount(b.le, b.cumulative, bound).slow / last(b.cumulative);
  return share(canary) > share(baseline);
}

function pooledTotals(data: readonly HistogramData[]) {
  let canary = 0;
  let baseline = 0;
  for (const d of data) {
    canary += Math.max(0, last(d.canary.cumulative));
    baseline += Math.max(0, last(d.baseline.cumulative));
  }
  return { canary, baseline };
}

/** Quantiles over the whole analysis, by `histogram_quantile`'s rules so they match dashboards. */
function quantileEstimates(data: readonly HistogramData[]): Record<string, number | null> {
  const est: Record<string, number | null> = {};
  for (const scope of ['canary', 'baseline'] as const) {
    const summed = sumBuckets(data.map((d) => d[scope]));
    for (const q of [0.5, 0.95, 0.99]) {
      const v = summed ? histogramQuantile(q, summed.le, summed.cumulative) : NaN;
      est[`p${q * 100}${scope === 'canary' ? 'Canary' : 'Baseline'}`] = Number.isFinite(v) ? v : null;
    }
  }
  return est;
}

function sumBuckets(list: readonly Buckets[]): Buckets | null {
  const first = list[0];
  if (!first) return null;
  const cumulative = first.le.map(() => 0);
  for (const b of list) {
    if (b.le.length !== first.le.length) continue;
    b.cumulative.forEach((v, i) => (cumulative[i] = (cumulative[i] ?? 0) + Math.max(0, v)));
  }
  return { le: [...first.le], cumulative };
}

function ruledOut(tails: ReadonlyArray<{ bound: number; cmp: RateComparison }>): string {
  if (tails.length === 0) return 'quantile bounds hold';
  return tails.map((t) => `an increase above ${formatRatio(t.cmp.upper)} in requests slower than ${t.bound}s is ruled out`).join('; ');
}

function fmtSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return 'n/a';
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}

function last(xs: readonly number[]): number {
  return xs[xs.length - 1] ?? 0;
}
