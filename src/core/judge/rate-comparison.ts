import { rateRatioConfidenceSequence, rateRatioLogE, type IntervalCounts } from '../stats/rate-ratio.js';
import { logThreshold } from './alpha.js';
import { sumIntervals } from './interval-counts.js';
import { safeRate } from './judgement.js';

/**
 * The sequential comparison of the canary's bad-event rate with the baseline's (STATISTICS.md, the
 * changing-split mixture): it is valid while the traffic split moves between intervals, so one
 * analysis can follow Flagger or Argo Rollouts through their weight steps.
 */
export interface RateComparison {
  /** The e-value crossed ln(1/α): the canary's rate is above tolerance × baseline. */
  fired: boolean;
  logEValue: number;
  logThreshold: number;
  /** Anytime-valid (1−α) interval for canary rate / baseline rate. */
  lower: number;
  upper: number;
  ratio: number | null;
  canaryRate: number | null;
  baselineRate: number | null;
  totals: IntervalCounts;
}

export interface RateComparisonOptions {
  alpha: number;
  /** Null hypothesis: ratio ≤ tolerance. */
  tolerance: number;
}

export function compareRates(intervals: readonly IntervalCounts[], opts: RateComparisonOptions): RateComparison {
  const totals = sumIntervals(intervals);
  const logE = rateRatioLogE(intervals, { rNull: opts.tolerance });
  const threshold = logThreshold(opts.alpha);
  const cs = rateRatioConfidenceSequence(intervals, opts.alpha);
  return {
    fired: logE >= threshold,
    logEValue: logE,
    logThreshold: threshold,
    lower: cs.lower,
    upper: cs.upper,
    ratio: Number.isFinite(cs.estimate) ? cs.estimate : null,
    canaryRate: safeRate(totals.xB, totals.nB),
    baselineRate: safeRate(totals.xA, totals.nA),
    totals,
  };
}

/** Events still missing before either arm reaches `minEvents` requests (empty when enough). */
export function missingEvents(totals: IntervalCounts, minEvents: number): Record<string, number> {
  const missing: Record<string, number> = {};
  if (totals.nB < minEvents) missing.canaryEvents = Math.ceil(minEvents - totals.nB);
  if (totals.nA < minEvents) missing.baselineEvents = Math.ceil(minEvents - totals.nA);
  return missing;
}
