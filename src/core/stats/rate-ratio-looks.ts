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
  rejected: boolean;
  /** The look reported: the one that rejected, else the latest (1-based). */
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
    const informative = isInformative(iv);
    if (informative) {
      m += (iv.xA + iv.xB) / phi;
      x += iv.xB / phi;
    }
    const nextM = Math.round(m);
    const nB = iv.nB * opts.rNull;
    steps.push({
      m: nextM - wholeM,
      theta: informative ? nB / (iv.nA + nB) : 0.5,
      observed: Math.min(nextM, Math.round(x)),
      spend: spendingAt(opts.alpha, i + 1, opts.schedule, i === intervals.length - 1, opts.exponent),
    });
    wholeM = nextM;
  });
  const outcome = errorSpendingTest(steps);
  const at = outcome.crossedAt ?? steps.length - 1;
  return {
    rejected: outcome.crossedAt !== null,
    look: at + 1,
    pValue: steps.length === 0 ? 1 : outcome.pValue,
    alpha: outcome.alpha,
    observed: steps[at]?.observed ?? 0,
    expected: outcome.expected,
  };
}
