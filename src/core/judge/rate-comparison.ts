import { splitDispersion, temper, temporalDispersion } from '../stats/dispersion.js';
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
  /** The dispersion φ the evidence was divided by (1 = independent bad events). */
  dispersion: number;
  /**
   * The evidence crossed its threshold but came from fewer than MIN_INFORMATIVE_INTERVALS intervals,
   * so it may be one burst: not a fail yet, and never a pass.
   */
  heldBack: boolean;
}

export interface RateComparisonOptions {
  alpha: number;
  /** Null hypothesis: ratio ≤ tolerance. */
  tolerance: number;
}

/**
 * Bad events must have been seen in this many intervals before the test may fire: one interval
 * cannot show its own dispersion, and a burst inside it would otherwise count as independent evidence.
 */
export const MIN_INFORMATIVE_INTERVALS = 2;

/**
 * Overdispersion guard (docs/statistics.md, "Bursts"): the evidence is divided by φ, the larger of
 * the canary/baseline split's Pearson dispersion and the baseline's own burstiness over time.
 */
export function dispersionOf(intervals: readonly IntervalCounts[]): number {
  const split = splitDispersion(intervals).phi;
  const baseline = temporalDispersion(intervals.map((iv) => ({ n: iv.nA, x: iv.xA })));
  return Math.min(50, Math.max(1, split, baseline));
}

export function compareRates(intervals: readonly IntervalCounts[], opts: RateComparisonOptions): RateComparison {
  const totals = sumIntervals(intervals);
  const phi = dispersionOf(intervals);
  const tempered = temper(intervals, phi);
  const logE = rateRatioLogE(tempered, { rNull: opts.tolerance });
  const threshold = logThreshold(opts.alpha);
  const cs = rateRatioConfidenceSequence(tempered, opts.alpha);
  const informative = intervals.filter((iv) => iv.xA + iv.xB > 0 && iv.nA > 0 && iv.nB > 0).length;
  return {
    fired: logE >= threshold && informative >= MIN_INFORMATIVE_INTERVALS,
    heldBack: logE >= threshold && informative < MIN_INFORMATIVE_INTERVALS,
    dispersion: phi,
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
