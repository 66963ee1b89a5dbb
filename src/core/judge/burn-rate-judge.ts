import type { BurnRateMetricSpec, Evidence, Measurement } from '../analysis/model.js';
import { rowFires } from '../stats/burn-rows.js';
import { burnRate, gammaPoissonOneSidedLogBF } from '../stats/poisson-burn.js';
import { logThreshold } from './alpha.js';
import { okData } from './interval-counts.js';
import { formatPercent, safeRate, type JudgeContext, type MetricJudgement } from './judgement.js';
import { measurementHealth, unmeasurableReason } from './measurement-health.js';
import { DEFAULT_PHI, poissonUpperBound } from './poisson-bound.js';
import { MIN_INFORMATIVE_INTERVALS } from './rate-comparison.js';
import { describeMissing } from './ratio-judge.js';

/**
 * Error-budget burn of the canary (STATISTICS.md): H0 "burn ≤ maxBurn" is tested sequentially with the
 * one-sided Gamma–Poisson mixture on the canary's bad events. The SRE-workbook multi-window rows are
 * reported beside it: they read long windows that predate a young canary, so they inform on-call and
 * the fleet gate but do not decide a step on their own.
 */
export function judgeBurnRate(spec: BurnRateMetricSpec, measurements: readonly Measurement[], ctx: JudgeContext): MetricJudgement {
  const health = measurementHealth(measurements);
  const data = okData(measurements, 'burnRate');
  let bad = 0;
  let total = 0;
  for (const d of data) {
    total += Math.max(0, d.canary.total);
    bad += Math.min(Math.max(0, d.canary.bad), Math.max(0, d.canary.total));
  }
  const budget = 1 - spec.objective;
  const lambda0 = spec.maxBurn * budget * total;
  const logE = total > 0 ? gammaPoissonOneSidedLogBF(bad, lambda0, DEFAULT_PHI) : 0;
  const threshold = logThreshold(ctx.alpha);
  // Bursts inflate a single interval's count (rate-comparison.ts): never fail on one interval alone.
  const fired = logE >= threshold && data.length >= MIN_INFORMATIVE_INTERVALS;
  const rate = safeRate(bad, total);
  const burn = rate === null ? null : burnRate(rate, spec.objective);
  const burnUpper = total > 0 ? burnRate(poissonUpperBound(bad, ctx.alpha) / total, spec.objective) : Infinity;
  const latestRows = data[data.length - 1]?.rows ?? [];
  const rows = spec.rows.map((row) => {
    const seen = latestRows.find((r) => r.longWindow === row.longWindow && r.shortWindow === row.shortWindow);
    const fires = seen ? rowFires(seen.long, seen.short, spec.objective, row.burnRate) : null;
    return { row, seen, fires };
  });
  const missing: Record<string, number> = total < spec.minEvents ? { canaryEvents: Math.ceil(spec.minEvents - total) } : {};

  const evidence: Evidence = {
    counts: { canary: { total, bad } },
    estimates: { canaryRate: rate, burnRate: burn, burnRateUpper: Number.isFinite(burnUpper) ? burnUpper : null, objective: spec.objective },
    interval: { quantity: 'burn rate (canary)', lower: 0, upper: burnUpper, confidence: 1 - ctx.alpha },
    logEValue: logE,
    logThreshold: threshold,
    alpha: ctx.alpha,
    tests: [
      { name: `sequential: canary burn ≤ ${spec.maxBurn}×`, logEValue: logE, logThreshold: threshold, fired },
      ...rows.map(({ row, seen, fires }) => ({
        name: `row ${row.burnRate}× over ${row.longWindow} and ${row.shortWindow}`,
        fired: fires === true,
        detail: seen ? `error ratio ${formatPercent(seen.long)} (${row.longWindow}), ${formatPercent(seen.short)} (${row.shortWindow})${fires === null ? ', no data' : ''}` : 'not measured',
      })),
    ],
    missing,
    measurements: { ok: health.ok, nodata: health.nodata, error: health.error, consecutiveErrors: health.consecutiveErrors },
  };

  const burnText = `canary burn ${burn === null ? 'n/a' : `${burn.toFixed(2)}×`} (${bad} bad of ${total} against an objective of ${(spec.objective * 100).toFixed(3).replace(/\.?0+$/, '')}%)`;
  if (fired) return { verdict: 'fail', evidence, reason: `${burnText}: above ${spec.maxBurn}× with evidence e^${logE.toFixed(1)} ≥ e^${threshold.toFixed(1)}` };
  const broken = unmeasurableReason(health, ctx.consecutiveErrorLimit);
  if (broken) return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'unmeasurable' }, reason: `cannot measure: ${broken}` };
  if (logE >= threshold) {
    // Crossed, but on one interval only (fired is false): maybe a burst. Never a pass.
    const reason = `${burnText}: excess burn seen in a single interval; waiting for a second one to tell it from a burst`;
    return ctx.final ? { verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' }, reason } : { verdict: 'running', evidence, reason };
  }
  const enough = Object.keys(missing).length === 0;
  if (enough && burnUpper < spec.maxBurn) return { verdict: 'pass', evidence, reason: `${burnText}: a burn above ${burnUpper.toFixed(2)}× is ruled out` };
  if (ctx.final) {
    if (enough) return { verdict: 'pass', evidence, reason: `${burnText}: no excess burn found` };
    return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' }, reason: `too few events: ${describeMissing(missing)}` };
  }
  return { verdict: 'running', evidence, reason: enough ? burnText : `waiting for events: ${describeMissing(missing)}` };
}
