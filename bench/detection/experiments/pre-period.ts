/**
 * The dispersion of a service's per-minute error counts before the canary starts: what a judge can
 * read from Prometheus at the start of an analysis (`increase(errors[1m])` and
 * `increase(requests[1m])` over the last hour), so a variance-inflation factor built from it is
 * fixed in advance and the tempered test stays a supermartingale for clusters up to that size.
 * Slow load changes are taken out with a ±5-minute moving average of the error rate.
 */
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';
import type { Scenario } from '../scenario.js';
import { errorIntervals } from './crossing.js';

const HALF_WINDOW = 5;

/** Pearson X² / df of per-minute counts around n_i × (local error rate). */
export function countDispersion(counts: ReadonlyArray<{ n: number; x: number }>): number {
  let x2 = 0;
  let used = 0;
  counts.forEach((c, i) => {
    let n = 0;
    let x = 0;
    for (let j = Math.max(0, i - HALF_WINDOW); j <= Math.min(counts.length - 1, i + HALF_WINDOW); j++) {
      n += counts[j]!.n;
      x += counts[j]!.x;
    }
    const expected = (c.n * x) / n;
    if (expected > 0) {
      x2 += (c.x - expected) ** 2 / expected;
      used += 1;
    }
  });
  const df = used * (1 - 1 / (2 * HALF_WINDOW + 1));
  return df > 0 ? Math.max(1, x2 / df) : 1;
}

/** An hour of the service before the canary: the scenario's traffic, both arms together, no effect. */
export function prePeriodDispersion(s: Scenario, run: number, minutes = 60): number {
  const before: Scenario = { ...s, id: `${s.id}#pre`, split: { kind: 'fixed', canary: 0.1 }, errorEffect: 1, latencyTailIncrease: 0 };
  const ivs: IntervalCounts[] = errorIntervals(before, run, minutes);
  return countDispersion(ivs.map((iv) => ({ n: iv.nA + iv.nB, x: iv.xA + iv.xB })));
}
