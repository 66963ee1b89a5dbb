import { formatAlpha, formatConfidence, formatCount, formatEValue, formatRatio, formatValue } from './format-number.js';
import type { MetricFacts } from './metric-facts.js';
import type { MetricExplanation } from './types.js';

type Row = MetricExplanation['table'][number];

/**
 * The numbers behind a metric as printable rows, in reading order: the values compared, how sure, the
 * evidence against its threshold, then how much data there was. Rows a kind does not have are left out
 * rather than printed as n/a, so a threshold metric's table stays short.
 */
export function metricTable(f: MetricFacts): Row[] {
  const rows: Row[] = [];
  const add = (key: string, label: string, value: string) => rows.push({ key, label, value });
  const relative = f.kind === 'ratio' || f.kind === 'histogram';

  add('canary', `canary ${f.quantity}`, formatValue(f.canary, f.unit));
  if (relative) add('baseline', `baseline ${f.quantity}`, formatValue(f.baseline, f.unit));
  if (relative) add('ratio', f.ratioName === 'ratio' ? 'canary / baseline' : f.ratioName, formatRatio(f.ratio));
  if (f.interval) {
    add('interval', `${formatConfidence(f.interval.confidence)} interval`, `${formatRatio(f.interval.lower)}–${formatRatio(f.interval.upper)}`);
  }
  if (f.limit !== null) add('limit', f.kind === 'burnRate' ? 'max burn' : 'tolerance', formatRatio(f.limit));
  if (f.objective !== null) add('objective', 'SLO objective', formatConfidence(f.objective));
  if (f.logEValue !== null) add('eValue', 'evidence (e-value)', formatEValue(f.logEValue));
  if (f.logThreshold !== null) add('threshold', 'fails at (1/α)', formatEValue(f.logThreshold));
  if (f.alpha !== null) add('alpha', 'α (this metric)', formatAlpha(f.alpha));
  if (f.canaryCounts) add('canaryEvents', `canary ${f.eventNoun}`, `${formatCount(f.canaryCounts.bad)} ${f.badNoun} of ${formatCount(f.canaryCounts.total)}`);
  if (f.baselineCounts) add('baselineEvents', `baseline ${f.eventNoun}`, `${formatCount(f.baselineCounts.bad)} ${f.badNoun} of ${formatCount(f.baselineCounts.total)}`);
  if (f.minEvents !== null && f.kind !== 'threshold') {
    add('minEvents', f.baselineCounts || f.kind !== 'burnRate' ? `minimum ${f.eventNoun} per side` : `minimum canary ${f.eventNoun}`, formatCount(f.minEvents));
  }
  const m = f.measurements;
  const streak = m.consecutiveErrors > 0 ? ` (last ${m.consecutiveErrors} in a row)` : '';
  add('measurements', 'measurements', `${m.ok} ok, ${m.nodata} no data, ${m.error} errors${streak}`);
  return rows;
}
