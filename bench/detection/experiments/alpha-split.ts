/**
 * Experiment: where does the judge lose time to the oracle on error-rate regressions? Same seeds
 * and ticks as the benchmark; the error counts alone, with the production changing-split mixture
 * (`rateRatioLogE`, default grid) at the α the shipped judge gives the relative error test
 * (0.01 / 2 metrics / 2 tests = 0.0025), at 0.005 (if the absolute maxRate test took no share) and at
 * 0.01 (no split), against the oracle SPRT at 0.01 and at 0.0025.
 *
 *   npx tsx bench/detection/experiments/alpha-split.ts [runs]
 */
import { rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { oracleSprtLogLR } from '../../../src/core/stats/sprt.js';
import { scenarioById } from '../scenarios.js';
import { errorIntervals, firstCrossing, tally } from './crossing.js';

const runs = Number(process.argv[2] ?? 300);
const ids = ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-50rps-0.05pct'];

const mixture = (ivs: readonly { nA: number; xA: number; nB: number; xB: number }[]) => rateRatioLogE(ivs, { rNull: 1 });
const oracle = (ratio: number) => (ivs: readonly { nA: number; xA: number; nB: number; xB: number }[]) =>
  ivs.reduce((s, iv) => (iv.nA > 0 && iv.nB > 0 ? s + oracleSprtLogLR(iv.xA, iv.xB, iv.nB / (iv.nA + iv.nB), ratio) : s), 0);

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
}
