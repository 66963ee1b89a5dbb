/**
 * The exact looks of an analysis at the canary/baseline rate ratio: one look per interval, each an
 * exact test of "ratio ≤ rNull" conditional on every interval's bad-event total (interval-counts.ts),
 * with α spent over the planned looks by an error-spending function (error-spending.ts). Under ratio
 * rNull the canary's bad events after look t are Σ_{i≤t} Bin(m_i, θ_i(rNull)).
 *
 * Spending: the power family α·(t/T)^ρ (Kim & DeMets, Biometrics 1987) over the T planned looks,
 * and all of α at the planned end, whatever came before. ρ = 1.5 spends a little early — a clear
 * regression fails in its first minutes (the mixture, valid at any look, also watches) — and keeps
 * most for the later looks, where a small regression shows. Measured against ρ = 1 and 2 (experiment
 * `spending`, and the full benchmark, docs/judgment.md): ρ = 2 has a few tenths of a point more
 * power on error regressions, ρ = 1.5 a minute off the median of a 2× regression (6 minutes against
 * 7, where more than half of the runs are decided by minute 6 instead of 48%).
 *
 * Overdispersion: counts are divided by φ first (dispersion.ts) — a cluster of φ bad events is one
 * trial — and rounded to whole trials on the running totals, so that no interval's rounding is lost
 * however small its tempered count.
 */
import { errorSpendingTest, type SpendingStep } from './error-spending.js';
import { type IntervalCounts, isInformative } from './interval-counts.js';

export interface LookSchedule {
  /** Looks planned for the whole analysis (its intervals up to maxDuration). */
  looks: number;
  /** This look is the planned end: it may spend what is left of α. */
  final: boolean;
}

export interface RateRatioLook {
  /** The latest look rejected (earlier looks decided at their own ticks). */
  rejected: boolean;
  /** The latest look (1-based; 0 before any interval). */
  look: number;
  /** P(count ≥ observed at that look, no earlier rejection | ratio = rNull). */
  pValue: number;
  /** What that look could spend. */
  alpha: number;
  /** Tempered canary bad events observed at that look, and expected under the null. */
  observed: number;
  expected: number;
}

/** Exponent of the spending function α·(t/T)^ρ. */
export const SPENDING_EXPONENT = 1.5;

export function spendingAt(alpha: number, look: number, schedule: LookSchedule, isLast: boolean, exponent = SPENDING_EXPONENT): number {
  if (schedule.final && isLast) return alpha;
  return alpha * Math.min(1, look / Math.max(1, schedule.looks)) ** exponent;
}

export function rateRatioLooks(intervals: readonly IntervalCounts[], opts: { rNull: number; phi?: number; alpha: number; schedule: LookSchedule; exponent?: number }): RateRatioLook {
  const phi = Math.max(1, opts.phi ?? 1);
  const steps: SpendingStep[] = [];
  let m = 0;
  let x = 0;
  let wholeM = 0;
  intervals.forEach((iv, i) => {
    const nB = iv.nB * opts.rNull;
    const theta = nB / (iv.nA + nB);
    // A share outside (0, 1) (a tolerance that is not a number, say) is not data either.
    const informative = isInformative(iv) && theta > 0 && theta < 1;
    if (informative) {
      m += (iv.xA + iv.xB) / phi;
      x += iv.xB / phi;
    }
    const nextM = Math.round(m);
    steps.push({
      m: nextM - wholeM,
      theta: informative ? theta : 0.5,
      observed: Math.min(nextM, Math.round(x)),
      spend: spendingAt(opts.alpha, i + 1, opts.schedule, i === intervals.length - 1, opts.exponent),
    });
    wholeM = nextM;
  });
  const outcome = errorSpendingTest(steps);
  return {
    rejected: outcome.rejected,
    look: steps.length,
    pValue: steps.length === 0 ? 1 : outcome.pValue,
    alpha: outcome.alpha,
    observed: steps[steps.length - 1]?.observed ?? 0,
    expected: outcome.expected,
  };
}
