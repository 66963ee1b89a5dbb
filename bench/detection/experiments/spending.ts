/**
 * Experiment: the exact looks with error spending (rate-ratio-looks.ts) against the third run's
 * final look, for the error test at the α the shipped analysis gives it (0.01 / 2 metrics × 0.9).
 * Each variant splits that α between the anytime-valid mixture (checked every minute) and exact
 * looks: either one look at the planned end (the third run), or a look every minute spending
 * α·[ε + (1 − ε)·(t/T)^ρ], ε being the first look's allowance (fifth run; "unless the history is
 * bursty" gates it as `spendingFor` does). Dispersion, grid and history (three hours) as shipped
 * unless a variant says otherwise (the probes: φ known, φ of the history alone, six hours); the
 * one-interval rule as shipped.
 *
 *   npx tsx bench/detection/experiments/spending.ts [null runs] [effect runs] [variant filter, a|b] [regressions, a,b] [no-change scenarios, a,b]
 */
import { dispersionOf, spendingFor } from '../../../src/core/judge/rate-comparison.js';
import { temper } from '../../../src/core/stats/dispersion.js';
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';
import { rateRatioLogE, REGRESSION_GRID } from '../../../src/core/stats/rate-ratio.js';
import { rateRatioLooks } from '../../../src/core/stats/rate-ratio-looks.js';
import { HISTORY_MINUTES } from '../sim/history-before.js';
import { printVariantTables } from './variant-tables.js';

const A = 0.0045;
const nullRuns = Number(process.argv[2] ?? 2000);
const effectRuns = Number(process.argv[3] ?? 500);

interface Variant {
  /** Share of α for the exact looks. */
  share: number;
  /** Spending exponent ρ; null = one look at the planned end only. */
  rho: number | null;
  /** Share of α the first look may spend on top of the power family (default 0). */
  firstLook?: number;
  /** Probe: the dispersion known to be 1 (what estimating it costs). */
  knownPhi?: boolean;
  /** Probe: φ from the history alone. */
  historyPhiOnly?: boolean;
  /** Minutes of history read before the analysis (default three hours, as shipped). */
  historyMinutes?: number;
  /** The first-look allowance only where the history is precise and not bursty (`spendingFor`, shipped). */
  gated?: boolean;
}
const variants: Record<string, Variant> = {
  'final look only, 60% (third run)': { share: 0.6, rho: null },
  'looks every minute, 60%, ρ 1.5': { share: 0.6, rho: 1.5 },
  'looks every minute, 80%, ρ 1': { share: 0.8, rho: 1 },
  'looks every minute, 80%, ρ 1.5 (fourth run)': { share: 0.8, rho: 1.5 },
  'looks every minute, 80%, ρ 2': { share: 0.8, rho: 2 },
  'looks every minute, 100%, ρ 1.5': { share: 1, rho: 1.5 },
  // Front-loaded: what a first-minute verdict on 4× regressions would cost the 2× power.
  'looks every minute, 80%, ρ 0.75': { share: 0.8, rho: 0.75 },
  'looks every minute, 80%, ρ 0.5': { share: 0.8, rho: 0.5 },
  // A first-look allowance: a severe regression stops at minute 1 without front-loading every look.
  'looks every minute, 100%, ρ 1.5, first look 5%': { share: 1, rho: 1.5, firstLook: 0.05 },
  'looks every minute, 100%, ρ 1.5, first look 10%': { share: 1, rho: 1.5, firstLook: 0.1 },
  'looks every minute, 100%, ρ 2, first look 10%': { share: 1, rho: 2, firstLook: 0.1 },
  'looks every minute, 90%, ρ 1.5, first look 10%': { share: 0.9, rho: 1.5, firstLook: 0.1 },
  'looks every minute, 95%, ρ 2, first look 10%': { share: 0.95, rho: 2, firstLook: 0.1 },
  'looks every minute, 95%, ρ 1.5, first look 10%': { share: 0.95, rho: 1.5, firstLook: 0.1 },
  'looks every minute, 100%, ρ 1.5, first look 15%': { share: 1, rho: 1.5, firstLook: 0.15 },
  'looks every minute, 100%, ρ 1.5, first look 20%': { share: 1, rho: 1.5, firstLook: 0.2 },
  'looks every minute, 100%, ρ 2, first look 15%': { share: 1, rho: 2, firstLook: 0.15 },
  'looks every minute, 95%, ρ 1.5, first look 15%': { share: 0.95, rho: 1.5, firstLook: 0.15 },
  'looks every minute, 95%, ρ 1.5': { share: 0.95, rho: 1.5 },
  'looks every minute, 95%, ρ 1.5, first look 15% unless the history is bursty': { share: 0.95, rho: 1.5, firstLook: 0.15, gated: true },
  'looks every minute, 80%, ρ 1.5, first look 15% unless the history is bursty (shipped)': { share: 0.8, rho: 1.5, firstLook: 0.15, gated: true },
  'looks every minute, 100%, ρ 2, first look 10%, φ known': { share: 1, rho: 2, firstLook: 0.1, knownPhi: true },
  'looks every minute, 100%, ρ 2, first look 10%, φ of history only': { share: 1, rho: 2, firstLook: 0.1, historyPhiOnly: true },
  'looks every minute, 100%, ρ 1.5, first look 10%, 6 h history': { share: 1, rho: 1.5, firstLook: 0.1, historyMinutes: 360 },
  'looks every minute, 100%, ρ 2, first look 10%, 6 h history': { share: 1, rho: 2, firstLook: 0.1, historyMinutes: 360 },
};
const only = process.argv[4];
// `a|b` picks the variants whose names contain a or b; `=name` picks that variant only.
const pick = (name: string) => !only || only.split('|').some((o) => (o.startsWith('=') ? name === o.slice(1) : name.includes(o)));

type Counts = Array<{ n: number; x: number }>;
function decide(ivs: readonly IntervalCounts[], history: Counts, v: Variant, budget: number): number {
  const mixtureAlpha = A * (1 - v.share);
  const past = history.slice(-(v.historyMinutes ?? HISTORY_MINUTES));
  const firstLook = v.gated && spendingFor(past).firstLook === 0 ? 0 : (v.firstLook ?? 0);
  for (let t = 1; t <= budget; t++) {
    const upTo = ivs.slice(0, t);
    const phi = v.knownPhi ? 1 : dispersionOf(v.historyPhiOnly ? [] : upTo, past);
    if (mixtureAlpha > 0 && rateRatioLogE(temper(upTo, phi), { rNull: 1, grid: REGRESSION_GRID }) >= -Math.log(mixtureAlpha)) return t;
    if (v.rho === null && t < budget) continue;
    const schedule = { looks: v.rho === null ? Infinity : budget, final: t === budget };
    if (rateRatioLooks(upTo, { rNull: 1, phi, alpha: A * v.share, schedule, spending: { exponent: v.rho ?? 1, firstLook } }).rejected) return t;
  }
  return Infinity;
}

const chosen = Object.fromEntries(Object.entries(variants).filter(([name]) => pick(name)));

printVariantTables(chosen, (run, v, budget) => decide(run.ivs, run.history, v, budget), {
  historyMinutes: Math.max(HISTORY_MINUTES, ...Object.values(chosen).map((v) => v.historyMinutes ?? 0)),
  nullRuns,
  effectRuns,
  nulls: process.argv[6]?.split(','),
  effects: process.argv[5]?.split(',') ?? ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-10x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries', 'err-2x-10rps-0.5pct-prometheus-counts'],
});
