import type { Analysis, MetricResult } from '../analysis/model.js';
import { DEFAULT_SCORING, metricId, type ScoringPolicy } from '../judge/verdict.js';
import { formatNumber } from './format-number.js';
import type { ScoreExplanation } from './types.js';

/**
 * "Why is my score 0?" — how combineVerdict (src/core/judge/verdict.ts) arrived at the score: the
 * weighted share of decided metrics that passed, 0 when a critical metric failed, inconclusive metrics
 * left out, and where the score sits against the pass and marginal thresholds.
 */
export function explainScore(analysis: Analysis, policy: ScoringPolicy = DEFAULT_SCORING): ScoreExplanation {
  const ms = analysis.metrics;
  const rows = ms.map((m) => ({ id: metricId(m), verdict: m.verdict, weight: m.weight, critical: m.critical, counted: m.verdict === 'pass' || m.verdict === 'fail' }));
  return { score: analysis.score, passScore: policy.passScore, marginalScore: policy.marginalScore, summary: summary(analysis, policy), metrics: rows };
}

function summary(a: Analysis, policy: ScoringPolicy): string {
  const ms = a.metrics;
  const criticalFail = ms.find((m) => m.critical && m.verdict === 'fail');
  if (criticalFail) {
    return `Score 0: the critical metric ${metricId(criticalFail)} failed, and a failing critical metric fails the analysis whatever the other metrics say.`;
  }
  const inconclusive = ms.filter((m) => m.verdict === 'inconclusive');
  const running = ms.filter((m) => m.verdict === 'running');
  const leftOut = inconclusive.length ? ` Left out as inconclusive (no data counts neither for nor against the canary): ${list(inconclusive)}.` : '';
  if (a.score === null) {
    if (a.verdict === 'running') return `No score yet: ${running.length} of ${ms.length} metrics are still measuring.`;
    if (ms.length === 0) return 'No score: the analysis has no metrics.';
    return `No score: no metric passed or failed, so there is nothing to weigh.${leftOut}`;
  }
  const decided = ms.filter((m) => m.verdict === 'pass' || m.verdict === 'fail');
  const passed = decided.filter((m) => m.verdict === 'pass');
  const failed = decided.filter((m) => m.verdict === 'fail');
  const weigh = `Score ${formatNumber(a.score)} = weight ${formatNumber(sum(passed))} passed of ${formatNumber(sum(decided))} decided`;
  const detail = [passed.length ? `passed: ${list(passed)}` : null, failed.length ? `failed: ${list(failed)}` : null].filter(Boolean).join('; ');
  const pending = running.length ? ` Still measuring: ${list(running)}.` : '';
  return `${weigh} (${detail}).${leftOut}${pending} ${against(a, policy, inconclusive.length > 0, running.length > 0)}`;
}

function against(a: Analysis, policy: ScoringPolicy, anyInconclusive: boolean, anyRunning: boolean): string {
  const s = a.score ?? 0;
  const bands = `${policy.passScore} or more passes, below ${policy.marginalScore} fails, in between is marginal (inconclusive)`;
  if (anyRunning && a.verdict === 'fail') {
    return `Even if every metric still measuring passed, the score would stay below ${policy.marginalScore}, so the analysis failed early (${bands}).`;
  }
  if (s < policy.marginalScore) return `Below ${policy.marginalScore}: fail (${bands}).`;
  if (s < policy.passScore) return `Marginal: inconclusive (${bands}).`;
  if (a.abort && a.verdict !== 'pass') return 'High enough to pass, but an aborted analysis never passes.';
  if (anyInconclusive) return 'High enough to pass, but an analysis passes only when every metric is decided.';
  return `At least ${policy.passScore}: pass.`;
}

function list(ms: readonly MetricResult[]): string {
  return ms.map((m) => `${metricId(m)} (weight ${formatNumber(m.weight)}${m.critical ? ', critical' : ''})`).join(', ');
}

function sum(ms: readonly MetricResult[]): number {
  return ms.reduce((s, m) => s + m.weight, 0);
}
