/**
 * Experiment: how long a history the dispersion guard should read before an analysis, and whether
 * one interval may fail the canary once that history is precise. Three variants of the error test
 * at the α the shipped analysis gives it (0.01 / 2 metrics × 0.9), each through the production
 * `compareRates` (mixture every minute, exact final look at the budget's end):
 *
 *   - one hour of history, bad events needed in two intervals (the third run's judge);
 *   - three hours, two intervals;
 *   - three hours, one interval enough when the history is precise (shipped since the fourth run).
 *
 * The one-hour history is the last hour of the simulated three, so the variants differ only in
 * what they read. Same seeds as the benchmark.
 *
 *   npx tsx bench/detection/experiments/history-length.ts [null runs] [effect runs]
 */
import { compareRates, MIN_INFORMATIVE_INTERVALS } from '../../../src/core/judge/rate-comparison.js';
import { type IntervalCounts, isInformative } from '../../../src/core/stats/interval-counts.js';
import { HISTORY_MINUTES } from '../sim/history-before.js';
import { printVariantTables } from './variant-tables.js';

/** The relative error test's α in the shipped analysis. */
const A = 0.0045;

const nullRuns = Number(process.argv[2] ?? 2000);
const effectRuns = Number(process.argv[3] ?? 500);

type Counts = Array<{ n: number; x: number }>;
interface Variant {
  minutes: number;
  /** Require bad events in two intervals even with a precise history (the rule before the fourth run). */
  twoIntervals: boolean;
}
const variants: Record<string, Variant> = {
  '1 hour, two intervals (third run)': { minutes: 60, twoIntervals: true },
  '3 hours, two intervals': { minutes: 180, twoIntervals: true },
  '3 hours, one interval when precise (shipped)': { minutes: 180, twoIntervals: false },
};

const informative = (ivs: readonly IntervalCounts[]) => ivs.filter(isInformative).length;

/** Minute of the first rollback by the error test, or Infinity. */
function decide(ivs: readonly IntervalCounts[], history: Counts, v: Variant, budget: number): number {
  for (let t = 1; t <= budget; t++) {
    const upTo = ivs.slice(0, t);
    const cmp = compareRates(upTo, { alpha: A, tolerance: 1, final: t === budget, history });
    const fired = v.twoIntervals ? (cmp.fired || cmp.heldBack) && informative(upTo) >= MIN_INFORMATIVE_INTERVALS : cmp.fired;
    if (fired) return t;
  }
  return Infinity;
}

const historyOf = (all: Counts, minutes: number) => all.slice(HISTORY_MINUTES - minutes);

printVariantTables(variants, (run, v, budget) => decide(run.ivs, historyOf(run.history, v.minutes), v, budget), {
  nullRuns,
  effectRuns,
  effects: ['err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-10x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries', 'err-2x-10rps-0.5pct-prometheus-counts'],
});
