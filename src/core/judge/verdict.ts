import type { MetricResult, Verdict } from '../analysis/model.js';

/**
 * Kayenta/Keptn-style scoring: the weighted share of decided metrics that passed, 0–100. Inconclusive
 * metrics are left out of the score (no data must not count against the canary) but they keep the
 * analysis from passing (no data must not count for it either).
 */
export interface ScoringPolicy {
  /** Score at or above which an analysis with every metric decided passes. */
  passScore: number;
  /** Score below which the analysis fails; between the two it is inconclusive ("marginal"). */
  marginalScore: number;
}

export const DEFAULT_SCORING: ScoringPolicy = { passScore: 95, marginalScore: 75 };

export interface CombinedVerdict {
  verdict: Verdict;
  score: number | null;
  /** Latest settle time among the metrics that decided the verdict, or null while running. */
  decidedAt: number | null;
  /** `template/name` of the metric an explanation should lead with. */
  deciding: string | null;
}

export const metricId = (m: { template: string; name: string }) => `${m.template}/${m.name}`;

export function combineVerdict(metrics: readonly MetricResult[], policy: ScoringPolicy = DEFAULT_SCORING): CombinedVerdict {
  const criticalFail = earliest(metrics.filter((m) => m.critical && m.verdict === 'fail'));
  if (criticalFail) return { verdict: 'fail', score: 0, decidedAt: criticalFail.decidedAt, deciding: metricId(criticalFail) };

  const decided = metrics.filter((m) => m.verdict === 'pass' || m.verdict === 'fail');
  const running = metrics.filter((m) => m.verdict === 'running');
  const score = weightedScore(decided);

  // Even if every running metric passed, the score would stay below marginal: fail now.
  const bestCase = weightedScore([...decided, ...running.map((m) => ({ ...m, verdict: 'pass' as const }))]);
  if (bestCase !== null && bestCase < policy.marginalScore) {
    const lastFail = latest(decided.filter((m) => m.verdict === 'fail'));
    return { verdict: 'fail', score, decidedAt: lastFail?.decidedAt ?? null, deciding: lastFail ? metricId(lastFail) : null };
  }
  if (running.length > 0) return { verdict: 'running', score: null, decidedAt: null, deciding: null };

  const settledAt = latest(metrics)?.decidedAt ?? null;
  const inconclusive = metrics.filter((m) => m.verdict === 'inconclusive');
  if (score !== null && score < policy.marginalScore) {
    return { verdict: 'fail', score, decidedAt: settledAt, deciding: idOf(latest(decided.filter((m) => m.verdict === 'fail'))) };
  }
  if (inconclusive.length > 0 || score === null) {
    return { verdict: 'inconclusive', score, decidedAt: settledAt, deciding: idOf(inconclusive.find((m) => m.critical) ?? inconclusive[0]) };
  }
  if (score >= policy.passScore) return { verdict: 'pass', score, decidedAt: settledAt, deciding: idOf(latest(metrics)) };
  return { verdict: 'inconclusive', score, decidedAt: settledAt, deciding: idOf(latest(decided.filter((m) => m.verdict === 'fail'))) };
}

function weightedScore(metrics: ReadonlyArray<Pick<MetricResult, 'verdict' | 'weight'>>): number | null {
  const total = metrics.reduce((s, m) => s + m.weight, 0);
  if (total <= 0) return null;
  const passed = metrics.reduce((s, m) => s + (m.verdict === 'pass' ? m.weight : 0), 0);
  return Math.round((1000 * passed) / total) / 10;
}

function earliest(ms: readonly MetricResult[]): MetricResult | undefined {
  return [...ms].sort((a, b) => (a.decidedAt ?? Infinity) - (b.decidedAt ?? Infinity))[0];
}

function latest(ms: readonly MetricResult[]): MetricResult | undefined {
  return [...ms].sort((a, b) => (b.decidedAt ?? -Infinity) - (a.decidedAt ?? -Infinity))[0];
}

function idOf(m: MetricResult | undefined): string | null {
  return m ? metricId(m) : null;
}
