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
import { printVariantTables } from './variant-tables.js';

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

const chosen = Object.fromEntries(Object.entries(variants).filter(([name]) => !only || name.includes(only)));

printVariantTables(chosen, (run, v, budget) => decide(run.ivs, run.history, v, budget), {
  nullRuns,
  effectRuns,
  effects: ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-10x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries', 'err-2x-10rps-0.5pct-prometheus-counts'],
});
