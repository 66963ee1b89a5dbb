/**
 * Experiment: the error-rate test alone (at the shipped judge's 0.0025) on the benchmark's seeds,
 * plain (what the judge runs) against the tempered prototypes of tempered.ts (dispersion from the
 * canary/baseline split so far, from the hour before the analysis, or the larger), on the no-change
 * scenarios (false rollbacks over 2,000 runs, 95% Clopper-Pearson) and on error regressions (power
 * and median minute).
 *
 *   npx tsx bench/detection/experiments/overdispersion.ts [null runs] [effect runs]
 */
import { rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { clopperPearson } from '../report/binomial-interval.js';
import { scenarioById, SCENARIOS } from '../scenarios.js';
import { errorIntervals, firstCrossing, tally } from './crossing.js';
import { prePeriodDispersion } from './pre-period.js';
import { temperedLogE } from './tempered.js';

const nullRuns = Number(process.argv[2] ?? 2000);
const effectRuns = Number(process.argv[3] ?? 500);
const ALPHA = 0.0025;
const threshold = -Math.log(ALPHA);
type Ivs = Parameters<typeof rateRatioLogE>[0];
/** Each variant sees the run's intervals and the dispersion of the hour before it (pre-period.ts). */
const variants: Record<string, (ivs: Ivs, prePhi: number) => number> = {
  plain: (ivs) => rateRatioLogE(ivs, { rNull: 1 }),
  'tempered by split dispersion, ≥ 2 intervals': (ivs) => temperedLogE(ivs, { rNull: 1, minIntervals: 2 }),
  'tempered by the hour before': (ivs, pre) => temperedLogE(ivs, { rNull: 1, minIntervals: 1, fixedPhi: pre, useSplit: false }),
  'tempered by max(hour before, split), ≥ 2 intervals': (ivs, pre) => temperedLogE(ivs, { rNull: 1, minIntervals: 2, fixedPhi: pre }),
};
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

console.log('| scenario | test | runs | false rollbacks [95% CI] |');
console.log('|---|---|---|---|');
for (const s of SCENARIOS.filter((x) => x.kind === 'no-change')) {
  const data = Array.from({ length: nullRuns }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), pre: prePeriodDispersion(s, r) }));
  for (const [name, logE] of Object.entries(variants)) {
    const k = data.filter((d) => Number.isFinite(firstCrossing(d.ivs, (x) => logE(x, d.pre), threshold))).length;
    const [lo, hi] = clopperPearson(k, nullRuns);
    console.log(`| ${s.id} | ${name} | ${nullRuns} | ${pct(k / nullRuns)} [${pct(lo)}, ${pct(hi)}] |`);
  }
}
console.log('\n| scenario | test | runs | power within budget | median minute |');
console.log('|---|---|---|---|---|');
for (const id of ['err-1.5x-10rps-0.5pct', 'err-2x-10rps-0.5pct', 'err-4x-10rps-0.5pct', 'err-10x-10rps-0.5pct', 'err-2x-1rps-2pct', 'err-3x-10rps-0.1pct', 'err-2x-10rps-0.5pct-steps', 'err-2x-10rps-0.5pct-retries']) {
  const s = scenarioById(id);
  const data = Array.from({ length: effectRuns }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), pre: prePeriodDispersion(s, r) }));
  for (const [name, logE] of Object.entries(variants)) {
    const t = tally(data.map((d) => firstCrossing(d.ivs, (x) => logE(x, d.pre), threshold)), s.budgetMinutes);
    console.log(`| ${id} | ${name} | ${effectRuns} | ${pct(t.power)} | ${t.median ?? '—'} |`);
  }
}
