/**
 * The hours before a simulated rollout: the same service without a canary (its whole traffic on the
 * baseline), seeded apart from the rollout itself. What the service's `readBaselineHistory` reads
 * from Prometheus before an analysis starts (three hours at one-minute steps), so the production
 * judge gets the same input here.
 */
import type { Counts } from '../../../src/core/analysis/model.js';
import type { Scenario } from '../scenario.js';
import { type MetricNames, runSeed, simulateRollout } from './traffic.js';

export const HISTORY_MINUTES = 180;

export function historyBefore(s: Scenario, run: number, names: MetricNames, minutes = HISTORY_MINUTES): Counts[] {
  const before: Scenario = { ...s, id: `${s.id}#pre`, split: { kind: 'fixed', canary: 0.1 }, errorEffect: 1, latencyTailIncrease: 0 };
  return simulateRollout(before, runSeed(before.id, run), minutes, names).map((tick) => {
    const d = tick.measurements[0]!.data;
    if (d?.kind !== 'ratio') throw new Error('ratio measurement first');
    return { total: d.baseline.total + d.canary.total, bad: d.baseline.bad + d.canary.bad };
  });
}
