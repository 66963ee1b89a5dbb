/**
 * Experiment: the error-rate test of the judge, taken apart into the choices made after the second
 * benchmark run — how the dispersion φ is estimated (during the analysis only, or with the hour
 * before it; always, or only where significant), the mixing grid's weights, the share of the test's
 * α spent on a fixed-sample look at the planned end (the exact conditional test of
 * binomial-sum-tail.ts), whether one interval may fail the canary once the hour before is known,
 * and what more α for the error test would buy. Same seeds as the benchmark; the judge's own
 * functions (dispersionOf, REGRESSION_GRID, and the exact look at the end, since the fourth run
 * rateRatioLooks with no look planned before the end) where the variant is the shipped one.
 *
 *   npx tsx bench/detection/experiments/horizon.ts [null runs] [effect runs]
 */
import { rateRatioLooks, SPENDING } from '../../../src/core/stats/rate-ratio-looks.js';
import { splitDispersion, temper, temporalDispersion } from '../../../src/core/stats/dispersion.js';
import { type IntervalCounts, isInformative } from '../../../src/core/stats/interval-counts.js';
import { DEFAULT_ONE_SIDED_GRID, type RatioGrid, rateRatioLogE, REGRESSION_GRID } from '../../../src/core/stats/rate-ratio.js';
import { dispersionOf } from '../../../src/core/judge/rate-comparison.js';
import { printVariantTables } from './variant-tables.js';


const nullRuns = Number(process.argv[2] ?? 2000);
const effectRuns = Number(process.argv[3] ?? 500);
const only = process.argv[4];

type Counts = ReadonlyArray<{ n: number; x: number }>;
interface Variant {
  alpha: number;
  /** Share of alpha spent on the final look (0 = none). */
  finalShare: number;
  grid: RatioGrid;
  phi: (ivs: readonly IntervalCounts[], pre: Counts) => number;
  /** May fail on bad events from one interval when the hour before holds this many intervals (default: never). */
  oneIntervalWithHistory?: number;
}

const baselineCounts = (ivs: readonly IntervalCounts[]) => ivs.map((iv) => ({ n: iv.nA, x: iv.xA }));
/** The second run's judge: the larger of the split's and the baseline's dispersion in the analysis, ungated. */
const secondRunPhi = (ivs: readonly IntervalCounts[]) => Math.min(50, Math.max(1, splitDispersion(ivs).phi, temporalDispersion(baselineCounts(ivs)).phi));
/** Both estimates with the hour before, but without the significance gate. */
const ungatedPhi = (ivs: readonly IntervalCounts[], pre: Counts) => Math.min(50, Math.max(1, splitDispersion(ivs).phi, temporalDispersion([...pre, ...baselineCounts(ivs)]).phi));
/** The shipped estimate (rate-comparison.ts): hour before + analysis, each estimate gated at 1%. */
const shippedPhi = (ivs: readonly IntervalCounts[], pre: Counts) => dispersionOf(ivs, pre);
const gatedAt = (level: number) => (ivs: readonly IntervalCounts[], pre: Counts) => dispersionOf(ivs, pre, level);

/** The relative error test's α in the shipped analysis: 0.01 / 2 metrics × 0.9 (the rest to maxRate). */
const A = 0.0045;
const variants: Record<string, Variant> = {
  'second run (φ in-analysis ungated, equal grid, no final look)': { alpha: A, finalShare: 0, grid: DEFAULT_ONE_SIDED_GRID, phi: secondRunPhi },
  'φ ungated with hour before, leaning grid, final 60%': { alpha: A, finalShare: 0.6, grid: REGRESSION_GRID, phi: ungatedPhi },
  'φ gated at 10%, leaning grid, final 60%': { alpha: A, finalShare: 0.6, grid: REGRESSION_GRID, phi: gatedAt(0.1) },
  'φ gated at 5%, leaning grid, final 60%': { alpha: A, finalShare: 0.6, grid: REGRESSION_GRID, phi: gatedAt(0.05) },
  'shipped φ, equal grid, final 60%': { alpha: A, finalShare: 0.6, grid: DEFAULT_ONE_SIDED_GRID, phi: shippedPhi },
  'shipped φ, leaning grid, final 20%': { alpha: A, finalShare: 0.2, grid: REGRESSION_GRID, phi: shippedPhi },
  'shipped φ, leaning grid, final 40%': { alpha: A, finalShare: 0.4, grid: REGRESSION_GRID, phi: shippedPhi },
  'shipped φ, leaning grid, final 60% (shipped)': { alpha: A, finalShare: 0.6, grid: REGRESSION_GRID, phi: shippedPhi },
  'shipped φ, leaning grid, final 80%': { alpha: A, finalShare: 0.8, grid: REGRESSION_GRID, phi: shippedPhi },
  'as shipped, one interval may fail with ≥ 30 min of history': { alpha: A, finalShare: 0.6, grid: REGRESSION_GRID, phi: shippedPhi, oneIntervalWithHistory: 30 },
  'as shipped, α 0.0072 (errors get 80% of the analysis)': { alpha: 0.0072, finalShare: 0.6, grid: REGRESSION_GRID, phi: shippedPhi },
  'as shipped, α 0.01 (errors alone, no maxRate)': { alpha: 0.01, finalShare: 0.6, grid: REGRESSION_GRID, phi: shippedPhi },
};

function finalLookRejects(ivs: readonly IntervalCounts[], phi: number, alpha: number): boolean {
  return rateRatioLooks(ivs, { rNull: 1, phi, alpha, schedule: { looks: Infinity, final: true }, spending: SPENDING }).rejected;
}

/** Minute of the first rollback: the mixture every minute, the final look at the budget's end. */
function decide(ivs: readonly IntervalCounts[], pre: Counts, v: Variant, budget: number): number {
  const seqAlpha = v.alpha * (1 - v.finalShare);
  for (let t = 1; t <= budget; t++) {
    const upTo = ivs.slice(0, t);
    const informative = upTo.filter(isInformative).length;
    const minimum = v.oneIntervalWithHistory !== undefined && pre.length >= v.oneIntervalWithHistory ? 1 : 2;
    if (informative < minimum) continue;
    const phi = v.phi(upTo, pre);
    if (rateRatioLogE(temper(upTo, phi), { rNull: 1, grid: v.grid }) >= -Math.log(seqAlpha)) return t;
  }
  if (v.finalShare > 0) {
    const all = ivs.slice(0, budget);
    if (finalLookRejects(all, v.phi(all, pre), v.alpha * v.finalShare)) return budget;
  }
  return Infinity;
}

const chosen = Object.fromEntries(Object.entries(variants).filter(([name]) => !only || name.includes(only)));

printVariantTables(chosen, (run, v, budget) => decide(run.ivs, run.history, v, budget), {
  nullRuns,
  effectRuns,
  effects: ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-10x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries'],
});
