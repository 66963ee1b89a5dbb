import type { Evidence, MetricResult, MetricSpec } from '../analysis/model.js';
import { formatSeconds, type ValueUnit } from './format-number.js';
import type { MetricValues } from './types.js';

type Test = NonNullable<Evidence['tests']>[number];

/**
 * One metric's evidence read the same way whatever its kind, so that sentences and tables need no
 * per-kind branches. Raw numbers may be ±Infinity here (an unbounded interval end); `toValues` makes
 * them JSON-safe.
 */
export interface MetricFacts {
  label: string;
  kind: MetricSpec['kind'];
  unit: ValueUnit;
  quantity: string;
  canary: number | null;
  baseline: number | null;
  ratio: number | null;
  /** How `ratio` and the interval read: "ratio", "shortfall ratio", "slow-request ratio", "burn". */
  ratioName: string;
  interval: { quantity: string; lower: number; upper: number; confidence: number } | null;
  logEValue: number | null;
  logThreshold: number | null;
  alpha: number | null;
  canaryCounts: { total: number; bad: number } | null;
  baselineCounts: { total: number; bad: number } | null;
  /** "events", "requests"; and what a bad one is: "bad", "slower than 500 ms". */
  eventNoun: string;
  badNoun: string;
  /** The multiple the canary may reach before failing (tolerance, max burn); null when not relative. */
  limit: number | null;
  minEvents: number | null;
  /** SLO objective (0..1) of a burn-rate metric. */
  objective: number | null;
  /** The test that failed the metric, when one did. */
  firedTest: Test | null;
  /** φ the evidence was divided by because bad events came in bursts (null or 1: independent). */
  dispersion: number | null;
  measurements: Evidence['measurements'];
}

export function metricFacts(metric: MetricResult, spec: MetricSpec | undefined): MetricFacts {
  const ev = metric.evidence;
  const est = ev.estimates ?? {};
  const firedTest = ev.tests?.find((t) => t.fired) ?? null;
  const decisive = metric.verdict === 'fail' && firedTest?.logEValue !== undefined ? firedTest : null;
  const base: MetricFacts = {
    label: labelOf(metric, spec),
    kind: metric.kind,
    unit: 'number',
    quantity: labelOf(metric, spec),
    canary: null,
    baseline: null,
    ratio: null,
    ratioName: 'ratio',
    interval: ev.interval ? { quantity: ev.interval.quantity, lower: ev.interval.lower, upper: ev.interval.upper, confidence: ev.interval.confidence } : null,
    logEValue: num(decisive ? decisive.logEValue : ev.logEValue),
    logThreshold: num(decisive ? decisive.logThreshold : ev.logThreshold),
    alpha: num(ev.alpha),
    canaryCounts: ev.counts?.canary ?? null,
    baselineCounts: ev.counts?.baseline ?? null,
    eventNoun: 'events',
    badNoun: 'bad',
    limit: null,
    minEvents: spec?.minEvents ?? null,
    objective: null,
    firedTest,
    dispersion: num(est.dispersion),
    measurements: ev.measurements,
  };
  switch (spec?.kind ?? metric.kind) {
    case 'ratio': {
      // Lower-is-worse ratios are judged on their complement (the judge flips bad and good), so the
      // estimates are shares of the complement; show the metric as its template defines it.
      const flip = spec?.direction === 'decrease';
      const rate = (r: number | null | undefined) => (r === null || r === undefined ? null : flip ? 1 - r : r);
      return {
        ...base,
        unit: 'percent',
        canary: rate(est.canaryRate),
        baseline: rate(est.baselineRate),
        ratio: num(est.ratio),
        ratioName: flip ? 'shortfall ratio (1 − rate)' : 'ratio',
        limit: spec?.kind === 'ratio' ? spec.tolerance : null,
      };
    }
    case 'histogram': {
      const bounds = spec?.kind === 'histogram' ? spec.bounds : [];
      return {
        ...base,
        unit: 'seconds',
        quantity: `p99 ${base.label}`,
        canary: num(est.p99Canary),
        baseline: num(est.p99Baseline),
        ratio: shareRatio(base.canaryCounts, base.baselineCounts),
        ratioName: 'slow-request ratio',
        eventNoun: 'requests',
        badNoun: bounds.length === 1 ? `slower than ${formatSeconds(bounds[0])}` : 'slow',
        limit: spec?.kind === 'histogram' ? spec.tolerance : null,
      };
    }
    case 'burnRate':
      return {
        ...base,
        unit: 'multiple',
        quantity: 'error-budget burn',
        canary: num(est.burnRate),
        ratioName: 'burn',
        limit: spec?.kind === 'burnRate' ? spec.maxBurn : null,
        objective: spec?.kind === 'burnRate' ? spec.objective : num(est.objective),
      };
    case 'threshold':
    {
      const unit = unitOf(spec?.unit);
      const named = unit === 'number' && spec?.unit ? ` (${spec.unit})` : '';
      return { ...base, unit, quantity: `last value${named}`, canary: num(est.value) };
    }
  }
}

/** The numbers for the JSON shape: infinities and NaN become null (JSON has neither). */
export function toValues(f: MetricFacts): MetricValues {
  return {
    unit: f.unit,
    quantity: f.quantity,
    canary: finite(f.canary),
    baseline: finite(f.baseline),
    ratio: finite(f.ratio),
    interval: f.interval ? { quantity: f.interval.quantity, lower: finite(f.interval.lower), upper: finite(f.interval.upper), confidence: f.interval.confidence } : null,
    logEValue: finite(f.logEValue),
    logThreshold: finite(f.logThreshold),
    alpha: finite(f.alpha),
    counts: { canary: f.canaryCounts, baseline: f.baselineCounts },
    measurements: { ...f.measurements },
  };
}

/** "error-rate" → "error rate"; a template's description wins. */
export function labelOf(metric: Pick<MetricResult, 'name'>, spec: Pick<MetricSpec, 'description'> | undefined): string {
  const described = spec?.description?.trim();
  return described ? described : metric.name.replace(/[-_]+/g, ' ').trim();
}

/** Point estimate of the slow share ratio from pooled counts (the histogram judge reports none). */
function shareRatio(c: { total: number; bad: number } | null, b: { total: number; bad: number } | null): number | null {
  if (!c || !b || c.total <= 0 || b.total <= 0 || b.bad <= 0) return null;
  return c.bad / c.total / (b.bad / b.total);
}

function unitOf(unit: string | undefined): ValueUnit {
  if (unit === 'seconds') return 'seconds';
  if (unit === 'ratio' || unit === 'percent') return 'percent';
  return 'number';
}

function num(x: number | null | undefined): number | null {
  return typeof x === 'number' && !Number.isNaN(x) ? x : null;
}

function finite(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
