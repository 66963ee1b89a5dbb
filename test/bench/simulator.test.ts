import { describe, expect, it } from 'vitest';
import { canaryShare, type Scenario } from '../../bench/detection/scenario.js';
import { bucketProbabilities, exceedance, GO_DEFAULT_BUCKETS, latencyPair } from '../../bench/detection/sim/latency.js';
import { runSeed, simulateRollout } from '../../bench/detection/sim/traffic.js';
import { histogramQuantile } from '../../src/core/stats/histogram.js';

const names = { ratio: { name: 'error-rate', template: 'http-success-rate' }, histogram: { name: 'latency', template: 'http-latency' } };
const base: Scenario = {
  id: 't',
  title: 't',
  kind: 'no-change',
  totalRps: 100,
  split: { kind: 'fixed', canary: 0.1 },
  budgetMinutes: 15,
  baselineErrorRate: 0.005,
  errorEffect: 1,
  latency: { medianSeconds: 0.08, p99Seconds: 0.35 },
  latencyTailIncrease: 0,
  runs: { full: 1, quick: 1 },
};

function totals(s: Scenario, ticks: number, seed = 7) {
  const t = { nA: 0, xA: 0, nB: 0, xB: 0 };
  for (const tick of simulateRollout(s, seed, ticks, names)) {
    const d = tick.measurements[0]!.data!;
    if (d.kind !== 'ratio') throw new Error('ratio first');
    t.nA += d.baseline.total;
    t.xA += d.baseline.bad;
    t.nB += d.canary.total;
    t.xB += d.canary.bad;
  }
  return t;
}

describe('traffic simulator', () => {
  it('reports counts as increase() does when asked: multiples of 4/3, the same mean, 4/3 the variance', () => {
    const s: Scenario = { ...base, extrapolation: 4 / 3 };
    const ticks = simulateRollout(s, 11, 3000, names);
    const bad = ticks.map((t) => (t.measurements[0]!.data as { baseline: { bad: number } }).baseline.bad);
    for (const x of bad.slice(0, 50)) expect(Math.abs(x / (4 / 3) - Math.round(x / (4 / 3)))).toBeLessThan(1e-9);
    const mean = bad.reduce((a, b) => a + b, 0) / bad.length;
    const variance = bad.reduce((a, b) => a + (b - mean) ** 2, 0) / (bad.length - 1);
    expect(mean).toBeGreaterThan(27 * 0.95); // 90 req/s × 60 s × 0.5%
    expect(mean).toBeLessThan(27 * 1.05);
    expect(variance / mean).toBeGreaterThan(1.2);
    expect(variance / mean).toBeLessThan(1.5);
    const h = ticks[0]!.measurements[1]!.data as { canary: { cumulative: number[] } };
    expect(h.canary.cumulative.every((c, i, all) => i === 0 || c >= all[i - 1]!)).toBe(true);
  });

  it('replays exactly from its seed, and different seeds differ', () => {
    const a = simulateRollout(base, 42, 20, names);
    expect(simulateRollout(base, 42, 20, names)).toEqual(a);
    expect(simulateRollout(base, 43, 20, names)).not.toEqual(a);
    expect(runSeed('x', 1)).toBe(runSeed('x', 1));
    expect(new Set([runSeed('x', 1), runSeed('x', 2), runSeed('y', 1)]).size).toBe(3);
  });

  it('emits the Measurement objects the judge consumes, with matching request totals', () => {
    const [tick] = simulateRollout(base, 1, 1, names);
    const [ratio, hist] = tick!.measurements;
    expect(ratio).toMatchObject({ metric: 'error-rate', template: 'http-success-rate', phase: 'ok', start: 0, end: 60_000 });
    expect(hist).toMatchObject({ metric: 'latency', template: 'http-latency', phase: 'ok' });
    if (ratio!.data?.kind !== 'ratio' || hist!.data?.kind !== 'histogram') throw new Error('kinds');
    expect(hist!.data.canary.le).toEqual(GO_DEFAULT_BUCKETS);
    expect(hist!.data.canary.cumulative.at(-1)).toBe(ratio!.data.canary.total);
    expect(hist!.data.baseline.cumulative.at(-1)).toBe(ratio!.data.baseline.total);
  });

  it('steps the canary weight 5 → 10 → 25 → 50% over the budget', () => {
    const s: Scenario = { ...base, split: { kind: 'steps', weights: [0.05, 0.1, 0.25, 0.5] }, budgetMinutes: 20 };
    expect([0, 4, 5, 9, 10, 15, 19, 25].map((i) => canaryShare(s, i))).toEqual([0.05, 0.05, 0.1, 0.1, 0.25, 0.5, 0.5, 0.5]);
  });

  it('keeps the configured traffic, error rate and effect on average', () => {
    const t = totals({ ...base, errorEffect: 2 }, 400);
    expect(t.nB / (t.nA + t.nB)).toBeCloseTo(0.1, 2);
    expect((t.nA + t.nB) / 400 / 60).toBeCloseTo(100, 0);
    expect(t.xA / t.nA).toBeCloseTo(0.005, 3);
    expect(t.xB / t.nB / (t.xA / t.nA)).toBeGreaterThan(1.8);
    expect(t.xB / t.nB / (t.xA / t.nA)).toBeLessThan(2.2);
  });

  it.each([
    ['Beta per arm', { kind: 'beta', concentration: 500, shared: false }],
    ['shared Beta', { kind: 'beta', concentration: 100, shared: true }],
    ['bursts', { kind: 'bursts', share: 0.3, meanSize: 20 }],
  ] as const)('keeps the mean error rate under overdispersion (%s) while spreading the counts', (_, od) => {
    const plain = simulateRollout(base, 3, 400, names).map((t) => (t.measurements[0]!.data as { baseline: { bad: number } }).baseline.bad);
    const over = simulateRollout({ ...base, overdispersion: od }, 3, 400, names).map((t) => (t.measurements[0]!.data as { baseline: { bad: number } }).baseline.bad);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2));
    expect(mean(over) / mean(plain)).toBeGreaterThan(0.85);
    expect(mean(over) / mean(plain)).toBeLessThan(1.15);
    expect(variance(over) / mean(over)).toBeGreaterThan(3 * (variance(plain) / mean(plain)));
  });

  it('moves the canary p99 up by the tail increase and leaves the median alone', () => {
    const { baseline, canary } = latencyPair(base.latency, 0.25);
    expect(Math.exp(canary.mu)).toBeCloseTo(0.08, 12);
    // P(> p99) is 1% in each arm at its own p99
    expect(exceedance(baseline, 0.35)).toBeCloseTo(0.01, 10);
    expect(exceedance(canary, 0.35 * 1.25)).toBeCloseTo(0.01, 10);
    expect(bucketProbabilities(canary).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    // Prometheus's bucket-interpolated p99 of the baseline, over many requests: about 0.44 s
    const cumulative = bucketProbabilities(baseline).map(((acc) => (p: number) => (acc += p * 1e6))(0));
    expect(histogramQuantile(0.99, GO_DEFAULT_BUCKETS, cumulative)).toBeCloseTo(0.441, 2);
  });
});
