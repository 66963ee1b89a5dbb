import type { Evidence, Measurement, RatioMetricSpec } from '../analysis/model.js';
import { gammaPoissonOneSidedLogBF } from '../stats/poisson-burn.js';
import { logThreshold } from './alpha.js';
import { complement, okData, toIntervalCounts } from './interval-counts.js';
import { formatEvents, formatPercent, formatPValue, formatRatio, type JudgeContext, type MetricJudgement } from './judgement.js';
import { measurementHealth, unmeasurableReason } from './measurement-health.js';
import { DEFAULT_PHI, poissonUpperBound } from './poisson-bound.js';
import { comparisonRows, compareRates, lookName, MAX_DISPERSION, MIN_INFORMATIVE_INTERVALS, missingEvents } from './rate-comparison.js';

/**
 * A ratio metric (bad/total per scope): the relative test of canary vs baseline, plus an optional
 * absolute bound on the canary's bad share. Each test gets an equal share of the metric's α.
 */
export function judgeRatio(spec: RatioMetricSpec, measurements: readonly Measurement[], ctx: JudgeContext): MetricJudgement {
  const health = measurementHealth(measurements);
  const orient = spec.direction === 'decrease' ? complement : (c: { total: number; bad: number }) => c;
  const intervals = okData(measurements, 'ratio').map((d) => toIntervalCounts(orient(d.baseline), orient(d.canary)));
  // The relative test is what catches regressions; the absolute bound is a backstop, so it gets a
  // small share of α (half each cost the relative test a minute on 2× regressions; docs/judgment.md).
  const testAlpha = spec.maxRate === undefined ? ctx.alpha : ctx.alpha * 0.9;
  const absAlpha = ctx.alpha * 0.1;

  const history = (ctx.history ?? []).map((c) => orient(c)).map((c) => ({ n: c.total, x: c.bad }));
  const rel = compareRates(intervals, { alpha: testAlpha, tolerance: spec.tolerance, final: ctx.final, history, plannedLooks: ctx.plannedTicks });
  const abs = spec.maxRate === undefined ? null : absoluteBound(rel.totals.xB, rel.totals.nB, spec.maxRate, absAlpha, intervals.length >= MIN_INFORMATIVE_INTERVALS);
  const missing = missingEvents(rel.totals, spec.minEvents);

  const evidence: Evidence = {
    counts: {
      canary: { total: rel.totals.nB, bad: rel.totals.xB },
      baseline: { total: rel.totals.nA, bad: rel.totals.xA },
    },
    estimates: { canaryRate: rel.canaryRate, baselineRate: rel.baselineRate, ratio: rel.ratio, dispersion: rel.dispersion },
    interval: { quantity: 'rate ratio (canary / baseline)', lower: rel.lower, upper: rel.upper, confidence: 1 - testAlpha },
    logEValue: rel.logEValue,
    logThreshold: rel.logThreshold,
    alpha: ctx.alpha,
    tests: [
      ...comparisonRows(rel, { claim: `canary rate ≤ ${spec.tolerance}× baseline`, prefix: 'relative: ' }),
      ...(abs ? [{ name: `absolute: canary rate ≤ ${formatPercent(spec.maxRate)}`, logEValue: abs.logEValue, logThreshold: abs.logThreshold, fired: abs.fired, detail: `upper bound ${formatPercent(abs.upperRate)}` }] : []),
    ],
    missing,
    measurements: { ok: health.ok, nodata: health.nodata, error: health.error, consecutiveErrors: health.consecutiveErrors },
  };
  if (abs) evidence.estimates!.canaryRateUpper = abs.upperRate;

  const rates = `canary ${formatPercent(rel.canaryRate)} vs baseline ${formatPercent(rel.baselineRate)}`;
  const band = `${formatRatio(rel.lower)}–${formatRatio(rel.upper)}`;
  if (rel.fired && rel.logEValue < rel.logThreshold && rel.look) {
    const look = rel.look;
    return { verdict: 'fail', evidence, reason: `${rates} (${rel.ratio === null ? 'ratio n/a' : formatRatio(rel.ratio)}): at ${lookName(look)}, ${formatEvents(look.observed)} canary bad events where ${formatEvents(look.expected)} were expected at ${formatRatio(spec.tolerance)} — p = ${formatPValue(look.pValue)} ≤ ${formatPValue(look.alpha)}` };
  }
  if (rel.fired) {
    return { verdict: 'fail', evidence, reason: `${rates} (${rel.ratio === null ? 'ratio n/a' : formatRatio(rel.ratio)}, interval ${band}): above ${formatRatio(spec.tolerance)} with evidence e^${rel.logEValue.toFixed(1)} ≥ e^${rel.logThreshold.toFixed(1)}` };
  }
  if (abs?.fired) {
    return { verdict: 'fail', evidence, reason: `canary rate ${formatPercent(rel.canaryRate)} exceeds the bound ${formatPercent(spec.maxRate)} with evidence e^${abs.logEValue.toFixed(1)} ≥ e^${abs.logThreshold.toFixed(1)}` };
  }
  const broken = unmeasurableReason(health, ctx.consecutiveErrorLimit);
  if (broken) return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'unmeasurable' }, reason: `cannot measure: ${broken}` };

  if (ctx.final && rel.dispersion >= MAX_DISPERSION) {
    // Evidence divided by 50 or more says nothing either way: never a pass.
    return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'unmeasurable' }, reason: `${rates}: errors too bursty to judge (dispersion ≥ ${MAX_DISPERSION})` };
  }
  if (rel.heldBack || abs?.heldBack) {
    const held = { verdict: 'running' as const, evidence, reason: `${rates}: evidence of a regression from a single interval; waiting for a second one to tell it from a burst` };
    return ctx.final ? { ...held, verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' } } : held;
  }
  const enough = Object.keys(missing).length === 0;
  const absOk = !abs || abs.upperRate < spec.maxRate!;
  if (enough && rel.upper < spec.passBelow && absOk) {
    return { verdict: 'pass', evidence, reason: `${rates}: an increase above ${formatRatio(rel.upper)} is ruled out` };
  }
  if (ctx.final) {
    if (enough) return { verdict: 'pass', evidence, reason: `${rates}: no regression found${Number.isFinite(rel.upper) ? `; an increase above ${formatRatio(rel.upper)} is ruled out` : ''}` };
    return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' }, reason: `too few events: ${describeMissing(missing)}` };
  }
  return { verdict: 'running', evidence, reason: enough ? `${rates}, interval ${band}` : `waiting for events: ${describeMissing(missing)}` };
}

function absoluteBound(bad: number, total: number, maxRate: number, alpha: number, mayFire: boolean) {
  const lambda0 = maxRate * total;
  const logE = total > 0 ? gammaPoissonOneSidedLogBF(bad, lambda0, DEFAULT_PHI) : 0;
  const threshold = logThreshold(alpha);
  const upperRate = total > 0 ? poissonUpperBound(bad, alpha) / total : Infinity;
  return { logEValue: logE, logThreshold: threshold, fired: mayFire && logE >= threshold, heldBack: !mayFire && logE >= threshold, upperRate };
}

export function describeMissing(missing: Record<string, number>): string {
  const parts = Object.entries(missing).map(([k, v]) => `${v} more ${k.replace(/Events$/, '')} events`);
  return parts.length ? parts.join(' and ') : 'nothing';
}
