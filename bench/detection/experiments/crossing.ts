/**
 * Shared pieces of the experiments: the error counts of simulated rollouts, and the first minute
 * a sequential statistic crosses its threshold.
 */
import type { IntervalCounts } from '../../../src/core/stats/rate-ratio.js';
import { shippedSpecs } from '../judges/wavegate.js';
import { censoredQuantile } from '../report/summary.js';
import type { Scenario } from '../scenario.js';
import { runSeed, simulateRollout } from '../sim/traffic.js';

const specs = shippedSpecs();
const names = { ratio: specs.find((s) => s.kind === 'ratio')!, histogram: specs.find((s) => s.kind === 'histogram')! };

/** The 5xx counts of run `run` of a scenario, interval by interval (same seeds as the benchmark). */
export function errorIntervals(s: Scenario, run: number, ticks: number): IntervalCounts[] {
  return simulateRollout(s, runSeed(s.id, run), ticks, names).map((t) => {
    const d = t.measurements[0]!.data;
    if (d?.kind !== 'ratio') throw new Error('ratio measurement first');
    return { nA: d.baseline.total, xA: d.baseline.bad, nB: d.canary.total, xB: d.canary.bad };
  });
}

/** First minute t (1-based) at which logE(first t intervals) ≥ threshold, or Infinity. */
export function firstCrossing(intervals: readonly IntervalCounts[], logE: (upTo: readonly IntervalCounts[]) => number, threshold: number): number {
  for (let t = 1; t <= intervals.length; t++) if (logE(intervals.slice(0, t)) >= threshold) return t;
  return Infinity;
}

export interface Tally {
  runs: number;
  /** Crossings within `budget`. */
  power: number;
  median: number | null;
  /** Crossings at any time within the simulated horizon. */
  anyCrossing: number;
}

export function tally(times: readonly number[], budget: number): Tally {
  return {
    runs: times.length,
    power: times.filter((t) => t <= budget).length / times.length,
    median: censoredQuantile(times, 0.5),
    anyCrossing: times.filter(Number.isFinite).length / times.length,
  };
}
