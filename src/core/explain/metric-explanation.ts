import type { Analysis, MetricResult } from '../analysis/model.js';
import { metricId } from '../judge/verdict.js';
import { formatAlpha, formatEValue } from './format-number.js';
import { isoTime } from './format-time.js';
import { grafanaExploreUrl } from './grafana-link.js';
import { measurementProblems } from './measurement-problems.js';
import { metricFacts, toValues } from './metric-facts.js';
import { describeMissing, summarizeMetric } from './metric-summary.js';
import { metricTable } from './metric-table.js';
import { metricQueries } from './queries.js';
import type { ExplanationOptions, MetricExplanation, TestExplanation } from './types.js';

/** Everything an explanation says about one metric, from its result, spec and measurements. */
export function explainMetric(analysis: Analysis, metric: MetricResult, range: { fromMs: number; toMs: number }, opts: ExplanationOptions): MetricExplanation {
  const spec = analysis.specs.find((s) => s.template === metric.template && s.name === metric.name);
  const own = analysis.measurements.filter((m) => m.template === metric.template && m.metric === metric.name);
  const facts = metricFacts(metric, spec);
  const { errors, warnings } = measurementProblems(own);
  const aborted = metric.verdict === 'inconclusive' && metric.evidence.cause === 'aborted';
  return {
    id: metricId(metric),
    template: metric.template,
    name: metric.name,
    kind: metric.kind,
    label: facts.label,
    verdict: metric.verdict,
    critical: metric.critical,
    weight: metric.weight,
    reason: metric.reason,
    summary: summarizeMetric(metric, facts, { errors, aborted }),
    decidedAt: isoTime(metric.decidedAt),
    values: toValues(facts),
    table: metricTable(facts),
    tests: (metric.evidence.tests ?? []).map(explainTest),
    missing: describeMissing(metric.evidence.missing, facts),
    errors,
    warnings,
    queries: metricQueries(spec, own).map((q) => ({
      ...q,
      grafanaUrl: opts.grafanaUrl
        ? grafanaExploreUrl({ grafanaUrl: opts.grafanaUrl, datasourceUid: opts.grafanaDatasource, expr: q.promql, fromMs: range.fromMs, toMs: range.toMs })
        : null,
    })),
  };
}

/** An exact look reports a p-value against what it may spend of α instead of an e-value. */
function pValueText(t: { pValue?: number; alpha?: number }): string | null {
  if (typeof t.pValue !== 'number' || typeof t.alpha !== 'number') return null;
  return `p-value ${formatAlpha(t.pValue)} ${t.alpha > 0 && t.pValue <= t.alpha ? '≤' : '>'} α ${formatAlpha(t.alpha)}`;
}

function explainTest(t: NonNullable<MetricResult['evidence']['tests']>[number]): TestExplanation {
  const hasE = typeof t.logEValue === 'number' && typeof t.logThreshold === 'number';
  return {
    name: t.name,
    fired: t.fired,
    evidence: hasE ? `e-value ${formatEValue(t.logEValue)} ${t.logEValue! >= t.logThreshold! ? '≥' : '<'} ${formatEValue(t.logThreshold)}` : pValueText(t),
    detail: t.detail ?? null,
  };
}
