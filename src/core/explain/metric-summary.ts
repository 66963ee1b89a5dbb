import type { MetricResult } from '../analysis/model.js';
import { formatConfidence, formatCount, formatEValue, formatRatio, formatValue } from './format-number.js';
import type { MetricFacts } from './metric-facts.js';
import type { MetricExplanation } from './types.js';

/**
 * The sentence for one metric, built from its facts so that every verdict says the same things in the
 * same order: what was compared (with units), how sure, the evidence against its threshold, the counts;
 * a pass says what it ruled out, an inconclusive metric says what was missing.
 */
export interface SummaryContext {
  errors: MetricExplanation['errors'];
  /** The metric was still running when the analysis was aborted. */
  aborted: boolean;
}

export function summarizeMetric(metric: MetricResult, f: MetricFacts, ctx: SummaryContext): string {
  if (f.kind === 'threshold') return metric.reason;
  const compared = withRelative(comparison(f), relative(f));
  switch (metric.verdict) {
    case 'fail':
      // An exact-look failure is a p-value (in failedTest); the mixture's e-value, still under its
      // threshold, would only read as a contradiction.
      return join([compared, failedTest(f), f.firedTest?.pValue === undefined ? evidence(f) : null, bursts(f), counts(f)]);
    case 'pass':
      return join([withRelative(comparison(f), f.ratio === null ? null : pointRatio(f)), ruledOut(f), evidence(f), bursts(f), counts(f)]);
    case 'running': {
      const missing = describeMissing(metric.evidence.missing, f);
      return join([compared ?? 'no data yet', missing ? `waiting: ${missing}` : null, evidence(f), bursts(f), counts(f)]);
    }
    case 'inconclusive':
      return join([inconclusiveCause(metric, f, ctx), compared ? `so far ${compared}` : null, counts(f)]);
  }
}

/** "needs 37 more canary events and 12 more baseline events (minimum 100)", or null when nothing is missing. */
export function describeMissing(missing: Record<string, number> | undefined, f: MetricFacts): string | null {
  const parts = Object.entries(missing ?? {})
    .filter(([, n]) => n > 0)
    .map(([key, n]) => {
      const side = key === 'canaryEvents' ? 'canary ' : key === 'baselineEvents' ? 'baseline ' : '';
      const what = side ? f.eventNoun : key.replace(/([A-Z])/g, ' $1').toLowerCase();
      return `${formatCount(n)} more ${side}${what}`;
    });
  if (parts.length === 0) return null;
  const minimum = f.minEvents === null ? '' : ` (minimum ${formatCount(f.minEvents)})`;
  return `needs ${parts.join(' and ')}${minimum}`;
}

function inconclusiveCause(metric: MetricResult, f: MetricFacts, ctx: SummaryContext): string {
  if (ctx.aborted) return 'aborted before a decision';
  const m = f.measurements;
  const total = m.ok + m.nodata + m.error;
  const permanent = ctx.errors.find((e) => !e.retryable);
  if (permanent) return `cannot measure: Prometheus rejects the query (${permanent.code}: ${permanent.message}), so retrying cannot help`;
  const top = ctx.errors[0];
  if (top && metric.evidence.cause === 'unmeasurable') {
    return `cannot measure: ${m.error} of ${total} measurements failed, the last ${m.consecutiveErrors} in a row (${top.count} × ${top.code}: ${top.message})`;
  }
  const missing = describeMissing(metric.evidence.missing, f);
  if (missing) {
    const empty = m.nodata > 0 ? `; ${m.nodata} of ${total} measurements returned no data` : '';
    return `too few ${f.eventNoun}: ${missing}${empty}`;
  }
  return metric.reason;
}

function comparison(f: MetricFacts): string | null {
  if (f.kind === 'burnRate') return f.canary === null ? null : `canary ${f.quantity} ${formatRatio(f.canary)}`;
  if (f.canary === null && f.baseline === null) return null;
  return `${f.quantity} ${formatValue(f.canary, f.unit)} on the canary vs ${formatValue(f.baseline, f.unit)} on the baseline`;
}

function pointRatio(f: MetricFacts): string {
  const value = formatRatio(f.ratio);
  return f.ratioName === 'ratio' && f.ratio !== null ? value : `${f.ratioName} ${value}`;
}

/** "2.20× (99.7% interval 1.60×–3.10×, tolerance 1.20×)"; for burn the interval's upper end. */
function relative(f: MetricFacts): string | null {
  const limit = f.limit === null ? '' : `, ${f.kind === 'burnRate' ? 'limit' : 'tolerance'} ${formatRatio(f.limit)}`;
  if (f.kind === 'burnRate') {
    // An objective is printed like a confidence level: 99.99% must not round to 100%.
    const objective = f.objective === null ? '' : `, objective ${formatConfidence(f.objective)}`;
    return f.interval ? `(${formatConfidence(f.interval.confidence)} upper bound ${formatRatio(f.interval.upper)}${limit}${objective})` : null;
  }
  // 0–∞ says only that nothing is known yet; without a point estimate either, say nothing.
  const informative = f.interval && (f.interval.lower > 0 || Number.isFinite(f.interval.upper));
  if (f.ratio === null && !informative) return null;
  const band = f.interval ? `${formatConfidence(f.interval.confidence)} interval ${formatRatio(f.interval.lower)}–${formatRatio(f.interval.upper)}${limit}` : null;
  if (f.ratio === null && !band) return null;
  return band ? `${pointRatio(f)} (${band})` : pointRatio(f);
}

function withRelative(compared: string | null, rel: string | null): string | null {
  if (!compared) return rel;
  if (!rel) return compared;
  return rel.startsWith('(') ? `${compared} ${rel}` : `${compared}: ${rel}`;
}

/** "evidence 412 ≥ 1/α = 300": the e-value against the threshold at which the metric fails. */
function evidence(f: MetricFacts): string | null {
  if (f.logEValue === null || f.logThreshold === null) return null;
  const sign = f.logEValue >= f.logThreshold ? '≥' : '<';
  return `evidence ${formatEValue(f.logEValue)} ${sign} 1/α = ${formatEValue(f.logThreshold)}`;
}

/** Why the evidence is weaker than the counts suggest: bad events that arrive in bursts count once per burst. */
function bursts(f: MetricFacts): string | null {
  if (f.dispersion === null || !(f.dispersion > 1.05)) return null;
  const what = f.kind === 'histogram' ? 'slow requests' : `${f.badNoun} events`;
  return `${what} come in bursts: the evidence counts about ${f.dispersion.toFixed(1)} of them as one (dispersion ${f.dispersion.toFixed(1)})`;
}

function counts(f: MetricFacts): string | null {
  const c = f.canaryCounts;
  if (!c) return null;
  if (c.total <= 0) return `no canary ${f.eventNoun} yet`;
  const canary = `${formatCount(c.bad)} ${f.badNoun} of ${formatCount(c.total)} canary ${f.eventNoun}`;
  const b = f.baselineCounts;
  return b ? `${canary} vs ${formatCount(b.bad)} of ${formatCount(b.total)} on the baseline` : canary;
}

function failedTest(f: MetricFacts): string | null {
  if (!f.firedTest || f.kind === 'burnRate' || (f.kind === 'ratio' && f.firedTest.name.startsWith('relative'))) return null;
  return `failed: ${f.firedTest.name}${f.firedTest.detail ? ` (${f.firedTest.detail})` : ''}`;
}

/** What a pass excludes: the upper end of the anytime-valid interval. */
function ruledOut(f: MetricFacts): string | null {
  if (!f.interval) return null;
  const { upper, confidence } = f.interval;
  if (!Number.isFinite(upper)) return 'nothing could be ruled out (the interval has no upper end): it passed because the analysis ended with enough events and no evidence of a regression';
  const subject =
    f.kind === 'burnRate' ? 'a burn'
    : f.kind === 'histogram' ? `an increase in ${f.badNoun === 'slow' ? 'slow requests' : `requests ${f.badNoun}`}`
    : f.ratioName === 'ratio' ? `an increase in ${f.label}`
    : `an increase in the shortfall of ${f.label} (1 − rate)`;
  const claim = `${subject} above ${formatRatio(upper)} is ruled out at ${formatConfidence(confidence)} confidence`;
  if (f.limit === null || upper < f.limit) return claim;
  return `${claim}, which is not below the ${formatRatio(f.limit)} limit: it passed because the analysis ended with enough events and no evidence of a regression`;
}

function join(parts: ReadonlyArray<string | null>): string {
  return parts.filter((p): p is string => !!p).join('; ');
}
