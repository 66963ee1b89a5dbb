import type { Logger } from 'pino';
import type { MetricsSource, RangeStep } from '../core/analysis/metrics-source.js';
import type { Analysis, Counts } from '../core/analysis/model.js';
import { metricId } from '../core/judge/verdict.js';
import { WavegateError } from '../errors/wavegate-error.js';

/**
 * How far back the history reaches: three hours, at least 12 and at most 240 intervals. Three hours
 * of one-minute intervals give the dispersion estimate 180 degrees of freedom: its noise on a
 * healthy service halves against one hour (the 90th percentile of φ falls from 1.32 to 1.17), which
 * is evidence every healthy analysis no longer throws away (docs/judgment.md, fourth run).
 */
export const HISTORY_SPAN_MS = 3 * 3_600_000;
const MIN_INTERVALS = 12;
const MAX_INTERVALS = 240;

/**
 * The baseline's bad/total counts per interval over the three hours before an analysis started, per
 * ratio metric — two range queries each, on the metric's own baseline queries, stepped by the analysis
 * interval so every step is one interval's `increase()`. Before the canary starts the baseline serves
 * the service's traffic, so this is how bursty its errors are without a canary: the dispersion
 * guard then knows it from the first tick instead of learning it over the analysis (docs/judgment.md).
 *
 * Best effort by design: a metric whose history cannot be read gets none (logged), and the guard
 * falls back to what the analysis itself shows. The history only ever makes the test more careful.
 */
export async function readBaselineHistory(source: MetricsSource, analysis: Analysis, logger: Logger): Promise<Record<string, Counts[]>> {
  const { startTime, intervalMs } = analysis.request;
  const count = Math.min(MAX_INTERVALS, Math.max(MIN_INTERVALS, Math.ceil(HISTORY_SPAN_MS / intervalMs)));
  const first = startTime - (count - 1) * intervalMs;
  const out: Record<string, Counts[]> = {};
  for (const spec of analysis.specs) {
    if (spec.kind !== 'ratio') continue;
    const id = metricId(spec);
    try {
      const [total, bad] = await Promise.all([
        source.range(spec.queries.baseline.total, first, startTime, intervalMs),
        source.range(spec.queries.baseline.bad, first, startTime, intervalMs),
      ]);
      out[id] = pairSteps(total, bad);
    } catch (err) {
      const code = err instanceof WavegateError ? err.code : 'HISTORY_UNREADABLE';
      logger.warn({ analysisId: analysis.id, metric: id, code, err: (err as Error).message }, 'baseline history not readable; the dispersion guard will learn from the analysis alone');
      out[id] = [];
    }
  }
  return out;
}

/**
 * Steps where the total is a positive finite sum become counts; a missing `bad` answer is zero bad
 * events (as in a live measurement), and a step with warnings or non-finite values is left out.
 */
function pairSteps(total: readonly RangeStep[], bad: readonly RangeStep[]): Counts[] {
  const badAt = new Map(bad.map((s) => [s.at, s]));
  const out: Counts[] = [];
  for (const step of total) {
    const b = badAt.get(step.at);
    if (step.warnings.length > 0 || (b?.warnings.length ?? 0) > 0) continue;
    const n = sum(step.series.map((s) => s.value));
    const x = b ? sum(b.series.map((s) => s.value)) : 0;
    if (n > 0 && Number.isFinite(n) && Number.isFinite(x) && x >= 0) out.push({ total: n, bad: Math.min(n, x) });
  }
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
