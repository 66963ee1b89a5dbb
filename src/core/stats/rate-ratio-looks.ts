/**
 * The exact looks of an analysis at the canary/baseline rate ratio: one look per interval, each an
 * exact test of "ratio ≤ rNull" conditional on every interval's bad-event total (interval-counts.ts),
 * with α spent over the planned looks by an error-spending function (error-spending.ts). Under ratio
 * rNull the canary's bad events after look t are Σ_{i≤t} Bin(m_i, θ_i(rNull)).
 *
 * Spending: α·[ε + (1 − ε)·(t/T)^ρ] over the T planned looks (the power family of Kim & DeMets,
 * Biometrics 1987, with an allowance ε for the first look), and all of α at the planned end, whatever
 * came before. The power family alone spends little early: at ρ = 1.5 the first of 15 looks may spend
 * 1.7% of α, so a 4× regression failed at minute 2, not 1, in most runs, and front-loading every
 * look (ρ = 0.75) cost 1.6–5.6 points of power on the small regressions that need the later looks.
 * The allowance gives the first look — where a severe regression first shows — ε = 15% of α and
 * costs the later looks 15% of theirs (experiment `spending`, docs/judgment.md). An allowance the
 * first look cannot use (too few bad events to reach it) carries over to the next looks.
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

/** α·[firstLook + (1 − firstLook)·(t/T)^exponent] by look t of T (see the file comment). */
export interface SpendingFunction {
  exponent: number;
  /** Share of α the first look may spend (ε). */
  firstLook: number;
}

/**
 * The shipped spending. Whether the first look may use its allowance is the judge's call, from the
 * history before the analysis (`spendingFor` in judge/rate-comparison.ts), so callers always say
 * which spending they mean.
 */
export const SPENDING: SpendingFunction = { exponent: 1.5, firstLook: 0.15 };

/** What looks 1…`look` may spend in all. Without planned looks (T = ∞) only the planned end spends. */
export function spendingAt(alpha: number, look: number, schedule: LookSchedule, isLast: boolean, spending: SpendingFunction): number {
  if (schedule.final && isLast) return alpha;
  if (look < 1 || !Number.isFinite(schedule.looks)) return 0;
  const f = Math.min(1, look / Math.max(1, schedule.looks)) ** spending.exponent;
  return alpha * (spending.firstLook + (1 - spending.firstLook) * f);
}

export function rateRatioLooks(intervals: readonly IntervalCounts[], opts: { rNull: number; phi?: number; alpha: number; schedule: LookSchedule; spending: SpendingFunction }): RateRatioLook {
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
      spend: spendingAt(opts.alpha, i + 1, opts.schedule, i === intervals.length - 1, opts.spending),
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
