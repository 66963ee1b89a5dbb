/**
 * Seeded traffic for the simulation tests: Poisson request counts per interval, binomial bad events.
 * Defaults are the benchmark's: 10 canary + 90 baseline req/s, 0.5% baseline errors, 60 s intervals.
 */
import type { IntervalCounts } from '../../../src/core/stats/rate-ratio.js';
import { binomial, poisson } from '../../../src/core/stats/random.js';

export interface Scenario {
  /** Requests per interval over both arms (100 req/s × 60 s by default). */
  requestsPerInterval?: number;
  /** Canary share of requests in interval i (0-based). */
  canaryShare?: (i: number) => number;
  baselineErrorRate?: number;
  /** True canary/baseline error-rate ratio. */
  ratio?: number;
}

export function simulateRun(random: () => number, scenario: Scenario, intervals: number): IntervalCounts[] {
  const total = scenario.requestsPerInterval ?? 6000;
  const share = scenario.canaryShare ?? (() => 0.1);
  const p = scenario.baselineErrorRate ?? 0.005;
  const ratio = scenario.ratio ?? 1;
  const out: IntervalCounts[] = [];
  for (let i = 0; i < intervals; i++) {
    const nB = poisson(random, total * share(i));
    const nA = poisson(random, total * (1 - share(i)));
    out.push({ nA, xA: binomial(random, nA, p), nB, xB: binomial(random, nB, p * ratio) });
  }
  return out;
}

/** Canary weight stepping 5% → 10% → 25% → 50% over 30 intervals (a typical progressive rollout). */
export const steppedShare = (i: number): number => (i < 8 ? 0.05 : i < 15 ? 0.1 : i < 23 ? 0.25 : 0.5);

/** Upper end of a one-sided 99.9% binomial noise band around p for n runs (normal approximation + 1/n). */
export const noiseBound = (p: number, n: number): number => p + 3.09 * Math.sqrt((p * (1 - p)) / n) + 1 / n;

/** Cumulative sums of the intervals: what a fixed-split test sees after each interval. */
export function cumulative(intervals: readonly IntervalCounts[]): IntervalCounts[] {
  const acc = { nA: 0, xA: 0, nB: 0, xB: 0 };
  return intervals.map((iv) => {
    acc.nA += iv.nA;
    acc.xA += iv.xA;
    acc.nB += iv.nB;
    acc.xB += iv.xB;
    return { ...acc };
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}
