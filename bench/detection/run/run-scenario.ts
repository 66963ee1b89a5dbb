/**
 * Runs simulated rollouts of one scenario through every method. Each run draws one seeded stream
 * of ticks and feeds each tick to every method that has not decided yet; the stream stops when all
 * have decided or at the horizon (budget + 6 intervals, room for Flagger's failed checks to extend
 * its analysis; 4× the budget when the oracle is still looking, so that slow effects still give it a time).
 */
import type { MetricSpec } from '../../../src/core/analysis/model.js';
import type { Decision, Judge } from '../judges/judge.js';
import { methods } from '../methods.js';
import type { Scenario } from '../scenario.js';
import { historyBefore } from '../sim/history-before.js';
import { rolloutTicks, runSeed, type MetricNames } from '../sim/traffic.js';

/** Per method: outcome code and minute, run by run. Codes: 0 none, 1 rollback, 2 promote, 3 inconclusive. */
export type ChunkResult = Record<string, { outcome: number[]; minute: number[] }>;

export const OUTCOME_CODE = { rollback: 1, promote: 2, inconclusive: 3 } as const;

/** Runs [from, to) of the scenario's rollouts; `only` restricts the methods (e.g. the CI test runs wavegate alone). */
export function runChunk(s: Scenario, specs: MetricSpec[], from: number, to: number, only?: readonly string[]): ChunkResult {
  const names: MetricNames = { ratio: specs.find((x) => x.kind === 'ratio')!, histogram: specs.find((x) => x.kind === 'histogram')! };
  const active = methods(specs)
    .filter((m) => !only || only.includes(m.id))
    .map((m) => ({ id: m.id, role: m.role, factory: m.factory(s) }))
    .filter((m): m is { id: string; role: typeof m.role; factory: NonNullable<typeof m.factory> } => m.factory !== null);
  const result: ChunkResult = Object.fromEntries(active.map((m) => [m.id, { outcome: [], minute: [] }]));
  for (let run = from; run < to; run++) {
    const before = lazy(() => historyBefore(s, run, names));
    const judges: Array<{ id: string; role: string; judge: Judge; decision: Decision | null }> = active.map((m) => ({ id: m.id, role: m.role, judge: m.factory({ budgetMinutes: s.budgetMinutes, historyBefore: before }), decision: null }));
    const horizon = s.budgetMinutes + 6;
    const oracleHorizon = 4 * s.budgetMinutes;
    for (const tick of rolloutTicks(s, runSeed(s.id, run), names)) {
      let open = 0;
      for (const j of judges) {
        if (j.decision) continue;
        if (j.role !== 'oracle' && tick.index > horizon) continue;
        j.decision = j.judge.observe(tick);
        if (!j.decision) open += 1;
      }
      if (open === 0 || tick.index >= Math.max(horizon, judges.some((j) => j.role === 'oracle') ? oracleHorizon : 0)) break;
    }
    for (const j of judges) {
      result[j.id]!.outcome.push(j.decision ? OUTCOME_CODE[j.decision.outcome] : 0);
      result[j.id]!.minute.push(j.decision ? j.decision.atMinute : 0);
    }
  }
  return result;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
