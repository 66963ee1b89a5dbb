/**
 * Experiment: where the latency metric loses time to the oracle. On the benchmark's seeds, the
 * first minute each statistic crosses its threshold: the oracle told every bucket's true ratio
 * (the benchmark's), oracles told only the true exceedance ratio at one bound, the judge's
 * tail-exceedance test (production `rateRatioLogE` on the slow counts) and whole-distribution test
 * (production `distributionShiftLogE`) alone, at the α each gets in the shipped judge
 * (0.01 / 2 metrics / 3 tests) and at larger shares.
 *
 *   npx tsx bench/detection/experiments/latency-tests.ts [runs]
 */
import type { Buckets } from '../../../src/core/analysis/model.js';
import { distributionShiftLogE } from '../../../src/core/stats/distribution-shift.js';
import { bucketCounts, slowCount } from '../../../src/core/stats/histogram.js';
import { type IntervalCounts, rateRatioLogE } from '../../../src/core/stats/rate-ratio.js';
import { oracleSprtLogLR } from '../../../src/core/stats/sprt.js';
import { shippedSpecs } from '../judges/wavegate.js';
import { scenarioById } from '../scenarios.js';
import { exceedance, latencyPair } from '../sim/latency.js';
import { runSeed, simulateRollout } from '../sim/traffic.js';
import { firstCrossing, tally } from './crossing.js';

const runs = Number(process.argv[2] ?? 300);
const specs = shippedSpecs();
const names = { ratio: specs.find((s) => s.kind === 'ratio')!, histogram: specs.find((s) => s.kind === 'histogram')! };
type Hist = { canary: Buckets; baseline: Buckets };

function histograms(id: string, run: number, ticks: number): Hist[] {
  const s = scenarioById(id);
  return simulateRollout(s, runSeed(s.id, run), ticks, names).map((t) => {
    const d = t.measurements[1]!.data;
    if (d?.kind !== 'histogram') throw new Error('histogram measurement second');
    return { canary: d.canary, baseline: d.baseline };
  });
}

const slow = (hs: readonly Hist[], bound: number): IntervalCounts[] =>
  hs.map((h) => {
    const a = slowCount(h.baseline.le, h.baseline.cumulative, bound);
    const b = slowCount(h.canary.le, h.canary.cumulative, bound);
    return { nA: a.total, xA: a.slow, nB: b.total, xB: b.slow };
  });

const sprt = (ivs: readonly IntervalCounts[], r: number) => ivs.reduce((s, iv) => (iv.nA > 0 && iv.nB > 0 ? s + oracleSprtLogLR(iv.xA, iv.xB, iv.nB / (iv.nA + iv.nB), r) : s), 0);

function perBucket(hs: readonly Hist[]): IntervalCounts[][] {
  const k = hs[0]?.canary.le.length ?? 0;
  const out: IntervalCounts[][] = Array.from({ length: k }, () => []);
  for (const h of hs) {
    const a = bucketCounts(h.baseline.cumulative);
    const b = bucketCounts(h.canary.cumulative);
    const nA = h.baseline.cumulative.at(-1) ?? 0;
    const nB = h.canary.cumulative.at(-1) ?? 0;
    for (let j = 0; j < k; j++) out[j]!.push({ nA, xA: a[j] ?? 0, nB, xB: b[j] ?? 0 });
  }
  return out;
}

console.log('| scenario | statistic | α | power within budget | median minute |');
console.log('|---|---|---|---|---|');
for (const id of ['lat-10pct-10rps', 'lat-25pct-10rps', 'lat-25pct-1rps', 'lat-50pct-10rps']) {
  const s = scenarioById(id);
  const pair = latencyPair(s.latency, s.latencyTailIncrease);
  const ratioAt = (bound: number) => exceedance(pair.canary, bound) / exceedance(pair.baseline, bound);
  const data = Array.from({ length: runs }, (_, r) => histograms(id, r, s.budgetMinutes));
  const judgeAlpha = 0.01 / 2 / 3;
  const variants: Array<[string, number, (hs: readonly Hist[]) => number]> = [
    ['oracle, exceedance at 0.5 s', 0.01, (hs) => sprt(slow(hs, 0.5), ratioAt(0.5))],
    ['oracle, exceedance at 0.25 s', 0.01, (hs) => sprt(slow(hs, 0.25), ratioAt(0.25))],
    ['tail test at 0.5 s (judge\'s)', judgeAlpha, (hs) => rateRatioLogE(slow(hs, 0.5), { rNull: 1 })],
    ['tail test at 0.5 s', 0.005, (hs) => rateRatioLogE(slow(hs, 0.5), { rNull: 1 })],
    ['tail test at 0.25 s', judgeAlpha, (hs) => rateRatioLogE(slow(hs, 0.25), { rNull: 1 })],
    ['distribution test (judge\'s, two-sided)', judgeAlpha, (hs) => distributionShiftLogE(perBucket(hs))],
  ];
  console.log(`| ${id} | true exceedance ratio at 0.5 s / 0.25 s | | ${ratioAt(0.5).toFixed(2)} / ${ratioAt(0.25).toFixed(2)} | |`);
  for (const [name, alpha, logE] of variants) {
    const t = tally(data.map((hs) => firstCrossing(hs as never, logE as never, -Math.log(alpha))), s.budgetMinutes);
    console.log(`| ${id} | ${name} | ${+alpha.toPrecision(3)} | ${(100 * t.power).toFixed(1)}% | ${t.median ?? '—'} |`);
  }
}
