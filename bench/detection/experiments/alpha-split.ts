/**
 * Experiment: where does the judge lose time to the oracle on error-rate regressions? Same seeds
 * and ticks as the benchmark; the error counts alone, with the production changing-split mixture
 * (`rateRatioLogE`, default grid) at the α the shipped judge gives the relative error test
 * (0.01 / 2 metrics / 2 tests = 0.0025), at 0.005 (if the absolute maxRate test took no share) and at
 * 0.01 (no split), against the oracle SPRT at 0.01 and at 0.0025; and a horizon-aware variant: the
 * mixture at half the test's α every minute plus one fixed-sample look when the budget ends, at the
 * other half (a one-sided score test of the pooled conditional counts, normal approximation with a
 * continuity correction — an approximation, for sizing the idea).
 *
 *   npx tsx bench/detection/experiments/alpha-split.ts [runs]
 */
import { rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { normalQuantile } from '../../../src/core/stats/special.js';
import { oracleSprtLogLR } from '../../../src/core/stats/sprt.js';
import { clopperPearson } from '../report/binomial-interval.js';
import { scenarioById } from '../scenarios.js';
import { errorIntervals, firstCrossing, tally } from './crossing.js';

const runs = Number(process.argv[2] ?? 300);
const ids = ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct'];

const mixture = (ivs: readonly { nA: number; xA: number; nB: number; xB: number }[]) => rateRatioLogE(ivs, { rNull: 1 });
const oracle = (ratio: number) => (ivs: readonly { nA: number; xA: number; nB: number; xB: number }[]) =>
  ivs.reduce((s, iv) => (iv.nA > 0 && iv.nB > 0 ? s + oracleSprtLogLR(iv.xA, iv.xB, iv.nB / (iv.nA + iv.nB), ratio) : s), 0);

type Ivs = ReadonlyArray<{ nA: number; xA: number; nB: number; xB: number }>;

/** One-sided score statistic of "ratio = 1" on all intervals: (X_B − Σ m θ0 − ½) / √Σ m θ0 (1 − θ0). */
function scoreZ(ivs: Ivs): number {
  let x = 0;
  let mean = 0;
  let variance = 0;
  for (const iv of ivs) {
    if (!(iv.nA > 0 && iv.nB > 0)) continue;
    const theta = iv.nB / (iv.nA + iv.nB);
    const m = iv.xA + iv.xB;
    x += iv.xB;
    mean += m * theta;
    variance += m * theta * (1 - theta);
  }
  return variance > 0 ? (x - mean - 0.5) / Math.sqrt(variance) : -Infinity;
}

/** First minute the mixture at α/2 crosses, else the budget's end if the final look at α/2 rejects. */
function withFinalLook(ivs: Ivs, alpha: number, budget: number): number {
  const early = firstCrossing(ivs.slice(0, budget), mixture, -Math.log(alpha / 2));
  if (Number.isFinite(early)) return early;
  return scoreZ(ivs.slice(0, budget)) >= normalQuantile(1 - alpha / 2) ? budget : Infinity;
}

console.log('| scenario | statistic | α | power within budget | median minute |');
console.log('|---|---|---|---|---|');
for (const id of ids) {
  const s = scenarioById(id);
  const data = Array.from({ length: runs }, (_, r) => errorIntervals(s, r, 2 * s.budgetMinutes));
  const variants: Array<[string, number, (ivs: readonly { nA: number; xA: number; nB: number; xB: number }[]) => number]> = [
    ['oracle SPRT', 0.01, oracle(s.errorEffect)],
    ['oracle SPRT', 0.0025, oracle(s.errorEffect)],
    ['mixture (judge\'s test)', 0.0025, mixture],
    ['mixture', 0.005, mixture],
    ['mixture', 0.01, mixture],
  ];
  for (const [name, alpha, logE] of variants) {
    const t = tally(data.map((ivs) => firstCrossing(ivs, logE, -Math.log(alpha))), s.budgetMinutes);
    console.log(`| ${id} | ${name} | ${alpha} | ${(100 * t.power).toFixed(1)}% | ${t.median ?? '—'} |`);
  }
  const final = tally(data.map((ivs) => withFinalLook(ivs, 0.0025, s.budgetMinutes)), s.budgetMinutes);
  console.log(`| ${id} | mixture at α/2 + final look at α/2 | 0.0025 | ${(100 * final.power).toFixed(1)}% | ${final.median ?? '—'} |`);
}

// The final look spends its half of α at one point in time; check that the pair stays within the
// test's α when nothing changed (2,000 runs each, 95% Clopper-Pearson).
console.log('\n| no-change scenario | statistic | α | false rollbacks [95% CI] |');
console.log('|---|---|---|---|');
for (const id of ['null-10rps-0.5pct', 'null-1rps-2pct', 'null-50rps-0.05pct', 'null-steps', 'null-surge', 'null-daily']) {
  const s = scenarioById(id);
  const n = 2000;
  let k = 0;
  for (let r = 0; r < n; r++) if (Number.isFinite(withFinalLook(errorIntervals(s, r, s.budgetMinutes), 0.0025, s.budgetMinutes))) k++;
  const [lo, hi] = clopperPearson(k, n);
  console.log(`| ${id} | mixture at α/2 + final look at α/2 | 0.0025 | ${(100 * k / n).toFixed(2)}% [${(100 * lo).toFixed(2)}%, ${(100 * hi).toFixed(2)}%] |`);
}
