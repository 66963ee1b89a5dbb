import { combineVerdict, DEFAULT_SCORING, metricId, type ScoringPolicy } from '../judge/verdict.js';
import { splitAlpha } from '../judge/alpha.js';
import { judgeMetric } from '../judge/judge-metric.js';
import { DEFAULT_CONSECUTIVE_ERROR_LIMIT } from '../judge/measurement-health.js';
import type { Analysis, AnalysisRequest, Measurement, MetricResult, MetricSpec } from './model.js';
import { lastTickEnd, tickCount } from './schedule.js';

export interface AdvanceOptions {
  scoring?: ScoringPolicy;
  consecutiveErrorLimit?: number;
}

/** A new analysis before its first tick: every metric running. Pure: ids and time come from the caller. */
export function newAnalysis(input: { id: string; request: AnalysisRequest; specs: MetricSpec[]; now: number }): Analysis {
  const { id, request, specs, now } = input;
  return {
    id,
    key: request.key ?? null,
    request,
    specs,
    mode: request.endTime !== undefined && request.endTime <= now ? 'retrospective' : 'live',
    verdict: 'running',
    score: null,
    startedAt: request.startTime,
    decidedAt: null,
    createdAt: now,
    updatedAt: now,
    lastTickEnd: request.startTime,
    metrics: specs.map((s) => ({
      template: s.template,
      name: s.name,
      kind: s.kind,
      verdict: 'running',
      critical: s.critical,
      weight: s.weight,
      evidence: { measurements: { ok: 0, nodata: 0, error: 0, consecutiveErrors: 0 } },
      reason: 'waiting for the first measurement',
      decidedAt: null,
    })),
    measurements: [],
    revision: 0,
  };
}

/**
 * Applies one tick's measurements and re-judges. A metric that has settled stays settled: once an
 * e-value crossed its threshold the decision is made, even if later data would pull it back under.
 * Returns a new object; the input is not changed.
 */
export function advance(analysis: Analysis, tickEnd: number, measurements: readonly Measurement[], now: number, opts: AdvanceOptions = {}): Analysis {
  if (analysis.verdict !== 'running') return analysis;
  const all = [...analysis.measurements, ...measurements];
  const final = tickEnd >= lastTickEnd(analysis.request);
  const alpha = splitAlpha(analysis.request.alpha, analysis.specs.length);
  const limit = opts.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  const plannedTicks = tickCount(analysis.request);

  const metrics = analysis.specs.map((spec, i): MetricResult => {
    const previous = analysis.metrics[i]!;
    if (previous.verdict !== 'running') return previous;
    const own = all.filter((m) => m.template === spec.template && m.metric === spec.name);
    const history = analysis.baselineHistory?.[metricId(spec)];
    const j = judgeMetric(spec, own, { alpha, final, plannedTicks, consecutiveErrorLimit: limit, history });
    return { ...previous, verdict: j.verdict, evidence: j.evidence, reason: j.reason, decidedAt: j.verdict === 'running' ? null : tickEnd };
  });
  const combined = combineVerdict(metrics, opts.scoring ?? DEFAULT_SCORING);
  return {
    ...analysis,
    measurements: all,
    metrics,
    verdict: combined.verdict,
    score: combined.score,
    decidedAt: combined.decidedAt,
    lastTickEnd: tickEnd,
    updatedAt: now,
  };
}

/** Stops a running analysis at a caller's request: whatever was not decided becomes inconclusive. */
export function abortAnalysis(analysis: Analysis, reason: string, now: number, by?: string): Analysis {
  if (analysis.verdict !== 'running') return analysis;
  const metrics = analysis.metrics.map((m): MetricResult =>
    m.verdict === 'running' ? { ...m, verdict: 'inconclusive', evidence: { ...m.evidence, cause: 'aborted' }, reason: `aborted before a decision: ${m.reason}`, decidedAt: now } : m,
  );
  const combined = combineVerdict(metrics);
  return {
    ...analysis,
    metrics,
    verdict: combined.verdict === 'pass' ? 'inconclusive' : combined.verdict,
    score: combined.score,
    decidedAt: now,
    abort: { at: now, reason, ...(by ? { by } : {}) },
    updatedAt: now,
  };
}

export { metricId };
