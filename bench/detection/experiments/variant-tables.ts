/**
 * The two tables the error-test experiments report, one row per scenario and variant: false
 * rollbacks (with a 95% interval) on every no-change scenario, and power within the budget with the
 * median minute on chosen regressions. Each run comes with the service's counts in the hours before
 * it, as the production judge reads them.
 */
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';
import { shippedSpecs } from '../judges/wavegate.js';
import { clopperPearson } from '../report/binomial-interval.js';
import { scenarioById, SCENARIOS } from '../scenarios.js';
import type { Scenario } from '../scenario.js';
import { historyBefore } from '../sim/history-before.js';
import { errorIntervals, tally } from './crossing.js';

export interface ErrorRun {
  ivs: IntervalCounts[];
  /** The service's counts per minute before the canary (sim/history-before.ts). */
  history: Array<{ n: number; x: number }>;
}

const specs = shippedSpecs();
const names = { ratio: specs.find((s) => s.kind === 'ratio')!, histogram: specs.find((s) => s.kind === 'histogram')! };

function errorRuns(s: Scenario, runs: number): ErrorRun[] {
  return Array.from({ length: runs }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), history: historyBefore(s, r, names).map((c) => ({ n: c.total, x: c.bad })) }));
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** `decide` answers the minute of the first rollback, Infinity for none. No null table when nullRuns is 0. */
export function printVariantTables<V>(variants: Record<string, V>, decide: (run: ErrorRun, v: V, budget: number) => number, opts: { nullRuns: number; effectRuns: number; effects: readonly string[] }): void {
  console.log('| scenario | variant | runs | false rollbacks [95% CI] |');
  console.log('|---|---|---|---|');
  for (const s of SCENARIOS.filter((x) => x.kind === 'no-change' && opts.nullRuns > 0)) {
    const data = errorRuns(s, opts.nullRuns);
    for (const [name, v] of Object.entries(variants)) {
      const k = data.filter((d) => Number.isFinite(decide(d, v, s.budgetMinutes))).length;
      const [lo, hi] = clopperPearson(k, opts.nullRuns);
      console.log(`| ${s.id} | ${name} | ${opts.nullRuns} | ${pct(k / opts.nullRuns)} [${pct(lo)}, ${pct(hi)}] |`);
    }
  }
  console.log('\n| scenario | variant | runs | power within budget | median minute |');
  console.log('|---|---|---|---|---|');
  for (const id of opts.effects) {
    const s = scenarioById(id);
    const data = errorRuns(s, opts.effectRuns);
    for (const [name, v] of Object.entries(variants)) {
      const t = tally(data.map((d) => decide(d, v, s.budgetMinutes)), s.budgetMinutes);
      console.log(`| ${id} | ${name} | ${opts.effectRuns} | ${pct(t.power)} | ${t.median ?? '—'} |`);
    }
  }
}
