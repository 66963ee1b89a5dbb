/**
 * Experiment: the exact looks with error spending (rate-ratio-looks.ts) against the third run's
 * final look, for the error test at the α the shipped analysis gives it (0.01 / 2 metrics × 0.9).
 * Each variant splits that α between the anytime-valid mixture (checked every minute) and exact
 * looks: either one look at the planned end (the third run), or a look every minute spending
 * α·(t/T)^ρ. Dispersion, grid and history (three hours) as shipped; the one-interval rule as shipped.
 *
 *   npx tsx bench/detection/experiments/spending.ts [null runs] [effect runs] [variant filter]
 */
import { dispersionOf } from '../../../src/core/judge/rate-comparison.js';
import { temper } from '../../../src/core/stats/dispersion.js';
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';
import { rateRatioLogE, REGRESSION_GRID } from '../../../src/core/stats/rate-ratio.js';
import { rateRatioLooks } from '../../../src/core/stats/rate-ratio-looks.js';
import { clopperPearson } from '../report/binomial-interval.js';
import { scenarioById, SCENARIOS } from '../scenarios.js';
import type { Scenario } from '../scenario.js';
import { historyBefore } from '../sim/history-before.js';
import { shippedSpecs } from '../judges/wavegate.js';
import { errorIntervals, tally } from './crossing.js';

const SPECS = shippedSpecs();
const NAMES = { ratio: SPECS.find((x) => x.kind === 'ratio')!, histogram: SPECS.find((x) => x.kind === 'histogram')! };
const A = 0.0045;
const nullRuns = Number(process.argv[2] ?? 2000);
const effectRuns = Number(process.argv[3] ?? 500);

interface Variant {
  /** Share of α for the exact looks. */
  share: number;
  /** Spending exponent ρ; null = one look at the planned end only. */
  rho: number | null;
}
const variants: Record<string, Variant> = {
  'final look only, 60% (third run)': { share: 0.6, rho: null },
  'looks every minute, 60%, ρ 1.5': { share: 0.6, rho: 1.5 },
  'looks every minute, 80%, ρ 1': { share: 0.8, rho: 1 },
  'looks every minute, 80%, ρ 1.5 (shipped)': { share: 0.8, rho: 1.5 },
  'looks every minute, 80%, ρ 2': { share: 0.8, rho: 2 },
  'looks every minute, 100%, ρ 1.5': { share: 1, rho: 1.5 },
  // Front-loaded: what a first-minute verdict on 4× regressions would cost the 2× power.
  'looks every minute, 80%, ρ 0.75': { share: 0.8, rho: 0.75 },
  'looks every minute, 80%, ρ 0.5': { share: 0.8, rho: 0.5 },
};
const only = process.argv[4];

type Counts = Array<{ n: number; x: number }>;
function decide(ivs: readonly IntervalCounts[], history: Counts, v: Variant, budget: number): number {
  const mixtureAlpha = A * (1 - v.share);
  for (let t = 1; t <= budget; t++) {
    const upTo = ivs.slice(0, t);
    const phi = dispersionOf(upTo, history);
    if (mixtureAlpha > 0 && rateRatioLogE(temper(upTo, phi), { rNull: 1, grid: REGRESSION_GRID }) >= -Math.log(mixtureAlpha)) return t;
    if (v.rho === null && t < budget) continue;
    const schedule = { looks: v.rho === null ? Infinity : budget, final: t === budget };
    if (rateRatioLooks(upTo, { rNull: 1, phi, alpha: A * v.share, schedule, exponent: v.rho ?? 1 }).rejected) return t;
  }
  return Infinity;
}

const runsOf = (s: Scenario, runs: number) =>
  Array.from({ length: runs }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), history: historyBefore(s, r, NAMES).map((c) => ({ n: c.total, x: c.bad })) }));
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

console.log('| scenario | variant | runs | false rollbacks [95% CI] |');
console.log('|---|---|---|---|');
for (const s of SCENARIOS.filter((x) => x.kind === 'no-change' && nullRuns > 0)) {
  const data = runsOf(s, nullRuns);
  for (const [name, v] of Object.entries(variants)) {
    const k = data.filter((d) => Number.isFinite(decide(d.ivs, d.history, v, s.budgetMinutes))).length;
    const [lo, hi] = clopperPearson(k, nullRuns);
    console.log(`| ${s.id} | ${name} | ${nullRuns} | ${pct(k / nullRuns)} [${pct(lo)}, ${pct(hi)}] |`);
  }
}
console.log('\n| scenario | variant | runs | power within budget | median minute |');
console.log('|---|---|---|---|---|');
for (const id of ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-10x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries', 'err-2x-10rps-0.5pct-prometheus-counts']) {
  const s = scenarioById(id);
  const data = runsOf(s, effectRuns);
  for (const [name, v] of Object.entries(variants).filter(([n]) => !only || n.includes(only))) {
    const t = tally(data.map((d) => decide(d.ivs, d.history, v, s.budgetMinutes)), s.budgetMinutes);
    console.log(`| ${id} | ${name} | ${effectRuns} | ${pct(t.power)} | ${t.median ?? '—'} |`);
  }
}
