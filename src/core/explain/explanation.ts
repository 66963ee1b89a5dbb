import type { Analysis } from '../analysis/model.js';
import { combineVerdict, DEFAULT_SCORING } from '../judge/verdict.js';
import { formatTimeRange, isoTime } from './format-time.js';
import { buildHeadline } from './headline.js';
import { explainMetric } from './metric-explanation.js';
import { explainScore } from './score.js';
import type { Explanation, ExplanationOptions, MetricExplanation } from './types.js';

export type { Explanation, ExplanationOptions, MetricExplanation, ScoreExplanation } from './types.js';

/**
 * Why an analysis has its verdict, for people (rendered by markdown.ts and text.ts) and for machines
 * (the JSON itself). Pure: time comes only from the analysis, so a replayed analysis explains itself
 * identically. The scoring policy is the default one, as the analysis does not record which it used.
 */
export function buildExplanation(analysis: Analysis, opts: ExplanationOptions = {}): Explanation {
  const combined = combineVerdict(analysis.metrics, DEFAULT_SCORING);
  const start = analysis.startedAt;
  const end = Math.max(start, analysis.lastTickEnd);
  // Grafana needs a non-empty range even before the first tick: show the first interval then.
  const linkRange = { fromMs: start, toMs: end > start ? end : start + analysis.request.intervalMs };
  const metrics = analysis.metrics.map((m) => explainMetric(analysis, m, linkRange, opts));
  const lead = metrics.find((m) => m.id === combined.deciding) ?? closestToDeciding(metrics);
  const scoring = explainScore(analysis, DEFAULT_SCORING);
  const range = end > start ? formatTimeRange(start, end) : null;
  const base = opts.baseUrl?.replace(/\/+$/, '');
  const self = base ? `${base}/api/v1/analyses/${encodeURIComponent(analysis.id)}` : null;
  return {
    analysisId: analysis.id,
    verdict: analysis.verdict,
    score: analysis.score,
    headline: buildHeadline({ analysis, metrics, lead, scoring, range }),
    decidingMetric: combined.deciding,
    headlineMetric: lead?.id ?? null,
    timeRange: { start: isoTime(start) ?? 'unknown', end: isoTime(end) ?? 'unknown', durationMs: end - start, text: range ?? 'nothing measured yet' },
    decidedAt: isoTime(analysis.decidedAt),
    scoring,
    metrics,
    abort: analysis.abort ? { at: isoTime(analysis.abort.at), by: analysis.abort.by ?? null, reason: analysis.abort.reason } : null,
    links: { analysis: self, explanation: self ? `${self}/explanation` : null },
  };
}

/**
 * While nothing has decided, lead with the metric nearest to failing (largest e-value relative to its
 * threshold): the one most worth watching. Metrics without an e-value come after those with one.
 */
function closestToDeciding(metrics: readonly MetricExplanation[]): MetricExplanation | null {
  const gap = (m: MetricExplanation) => (m.values.logEValue !== null && m.values.logThreshold !== null ? m.values.logEValue - m.values.logThreshold : -Infinity);
  const candidates = metrics.filter((m) => m.verdict === 'running');
  const pool = candidates.length ? candidates : metrics;
  return [...pool].sort((a, b) => gap(b) - gap(a) || Number(b.critical) - Number(a.critical))[0] ?? null;
}
