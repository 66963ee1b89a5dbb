/**
 * Experiment: the error-rate test of the judge, taken apart into the choices still open after the
 * second benchmark run — how the dispersion φ is estimated (during the analysis only, or with the
 * hour before it; the split's dispersion always, or only when it is significant), the mixing
 * grid's weights, and a fixed-sample look at the planned end (the exact conditional test of
 * binomial-sum-tail.ts) that takes a share of the test's α. Same seeds as the benchmark.
 *
 *   npx tsx bench/detection/experiments/horizon.ts [null runs] [effect runs]
 */
import { rateRatioFinalLook } from '../../../src/core/stats/rate-ratio-final-look.js';
import { splitDispersion, temper, temporalDispersion } from '../../../src/core/stats/dispersion.js';
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';
import { DEFAULT_ONE_SIDED_GRID, type RatioGrid, ratioGrid, rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { clopperPearson } from '../report/binomial-interval.js';
import { scenarioById, SCENARIOS } from '../scenarios.js';
import type { Scenario } from '../scenario.js';
import { hourBefore } from '../sim/hour-before.js';
import { shippedSpecs } from '../judges/wavegate.js';
import { errorIntervals, tally } from './crossing.js';

const SPECS = shippedSpecs();
const NAMES = { ratio: SPECS.find((x) => x.kind === 'ratio')!, histogram: SPECS.find((x) => x.kind === 'histogram')! };

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
}

const WEIGHTED = ratioGrid(DEFAULT_ONE_SIDED_GRID.ratios, [0.04, 0.05, 0.07, 0.12, 0.17, 0.2, 0.17, 0.11, 0.07]);
const CHI2_90: number[] = [0, 2.706, 4.605, 6.251, 7.779, 9.236, 10.645, 12.017, 13.362, 14.684, 15.987, 17.275, 18.549, 19.812, 21.064, 22.307, 23.542, 24.769, 25.989, 27.204, 28.412];
const chi2q90 = (df: number) => CHI2_90[df] ?? df + 1.2816 * Math.sqrt(2 * df);

function gatedSplit(ivs: readonly IntervalCounts[]): number {
  const { phi, df } = splitDispersion(ivs);
  return df >= 1 && phi * df > chi2q90(df) ? phi : 1;
}
const baselineCounts = (ivs: readonly IntervalCounts[]) => ivs.map((iv) => ({ n: iv.nA, x: iv.xA }));
const withPre = (ivs: readonly IntervalCounts[], pre: Counts) => temporalDispersion([...pre, ...baselineCounts(ivs)]).phi;
/** The second run's judge: the larger of the split's and the baseline's dispersion in the analysis, ungated. */
const secondRunPhi = (ivs: readonly IntervalCounts[]) => Math.min(50, Math.max(1, splitDispersion(ivs).phi, temporalDispersion(baselineCounts(ivs)).phi));

const A = 0.0045;
/** Pearson dispersion only where it is significant (χ² above its 90% point), else 1. */
function gatedTemporal(counts: Counts): number {
  const { phi, df } = temporalDispersion(counts);
  return df >= 1 && phi * df > chi2q90(df) ? phi : 1;
}
const gated = (ivs: readonly IntervalCounts[], pre: Counts) => Math.max(1, gatedTemporal([...pre, ...baselineCounts(ivs)]), gatedSplit(ivs));
const variants: Record<string, Variant> = {
  'second run (φ in-analysis, equal grid)': { alpha: A, finalShare: 0, grid: DEFAULT_ONE_SIDED_GRID, phi: secondRunPhi },
  'φ hour-before, split gated, weighted grid, final 30%': { alpha: A, finalShare: 0.3, grid: WEIGHTED, phi: (ivs, pre) => Math.max(1, withPre(ivs, pre), gatedSplit(ivs)) },
  'φ all gated, weighted, final 30%': { alpha: A, finalShare: 0.3, grid: WEIGHTED, phi: gated },
  'φ all gated, weighted, α 0.0072, final 20%': { alpha: 0.0072, finalShare: 0.2, grid: WEIGHTED, phi: gated },
  'φ all gated, weighted, α 0.0072, final 30%': { alpha: 0.0072, finalShare: 0.3, grid: WEIGHTED, phi: gated },
  'φ all gated, weighted, α 0.0072, final 40%': { alpha: 0.0072, finalShare: 0.4, grid: WEIGHTED, phi: gated },
  'φ all gated, weighted, α 0.0085, final 30%': { alpha: 0.0085, finalShare: 0.3, grid: WEIGHTED, phi: gated },
  'φ all gated, equal grid, α 0.0072, final 30%': { alpha: 0.0072, finalShare: 0.3, grid: DEFAULT_ONE_SIDED_GRID, phi: gated },
};

function finalLookRejects(ivs: readonly IntervalCounts[], phi: number, alpha: number): boolean {
  return rateRatioFinalLook(ivs, { rNull: 1, phi }).pValue <= alpha;
}

/** Minute of the first rollback: the mixture every minute, the final look at the budget's end. */
function decide(ivs: readonly IntervalCounts[], pre: Counts, v: Variant, budget: number): number {
  const seqAlpha = v.alpha * (1 - v.finalShare);
  for (let t = 1; t <= budget; t++) {
    const upTo = ivs.slice(0, t);
    const informative = upTo.filter((iv) => iv.xA + iv.xB > 0 && iv.nA > 0 && iv.nB > 0).length;
    if (informative < 2) continue;
    const phi = v.phi(upTo, pre);
    if (rateRatioLogE(temper(upTo, phi), { rNull: 1, grid: v.grid }) >= -Math.log(seqAlpha)) return t;
  }
  if (v.finalShare > 0) {
    const all = ivs.slice(0, budget);
    if (finalLookRejects(all, v.phi(all, pre), v.alpha * v.finalShare)) return budget;
  }
  return Infinity;
}

/** The whole service's per-minute counts in the hour before the canary (sim/hour-before.ts). */
const hourBeforeCounts = (s: Scenario, run: number): Counts => hourBefore(s, run, NAMES).map((c) => ({ n: c.total, x: c.bad }));

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const names = Object.keys(variants).filter((n) => !only || n.includes(only));

console.log('| scenario | variant | runs | false rollbacks [95% CI] |');
console.log('|---|---|---|---|');
for (const s of SCENARIOS.filter((x) => x.kind === 'no-change')) {
  const data = Array.from({ length: nullRuns }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), pre: hourBeforeCounts(s, r) }));
  for (const name of names) {
    const k = data.filter((d) => Number.isFinite(decide(d.ivs, d.pre, variants[name]!, s.budgetMinutes))).length;
    const [lo, hi] = clopperPearson(k, nullRuns);
    console.log(`| ${s.id} | ${name} | ${nullRuns} | ${pct(k / nullRuns)} [${pct(lo)}, ${pct(hi)}] |`);
  }
}
console.log('\n| scenario | variant | runs | power within budget | median minute |');
console.log('|---|---|---|---|---|');
for (const id of ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries']) {
  const s = scenarioById(id);
  const data = Array.from({ length: effectRuns }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), pre: hourBeforeCounts(s, r) }));
  for (const name of names) {
    const t = tally(data.map((d) => decide(d.ivs, d.pre, variants[name]!, s.budgetMinutes)), s.budgetMinutes);
    console.log(`| ${id} | ${name} | ${effectRuns} | ${pct(t.power)} | ${t.median ?? '—'} |`);
  }
}
