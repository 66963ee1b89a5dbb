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

function errorRuns(s: Scenario, runs: number, historyMinutes?: number): ErrorRun[] {
  return Array.from({ length: runs }, (_, r) => ({ ivs: errorIntervals(s, r, s.budgetMinutes), history: historyBefore(s, r, names, historyMinutes).map((c) => ({ n: c.total, x: c.bad })) }));
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** `decide` answers the minute of the first rollback, Infinity for none. No null table when nullRuns is 0. */
export function printVariantTables<V>(variants: Record<string, V>, decide: (run: ErrorRun, v: V, budget: number) => number, opts: { nullRuns: number; effectRuns: number; effects: readonly string[]; historyMinutes?: number; nulls?: readonly string[] }): void {
  console.log('| scenario | variant | runs | false rollbacks [95% CI] |');
  console.log('|---|---|---|---|');
  for (const s of SCENARIOS.filter((x) => x.kind === 'no-change' && opts.nullRuns > 0 && (!opts.nulls || opts.nulls.includes(x.id)))) {
    const data = errorRuns(s, opts.nullRuns, opts.historyMinutes);
    for (const [name, v] of Object.entries(variants)) {
      const k = data.filter((d) => Number.isFinite(decide(d, v, s.budgetMinutes))).length;
      const [lo, hi] = clopperPearson(k, opts.nullRuns);
      console.log(`| ${s.id} | ${name} | ${opts.nullRuns} | ${pct(k / opts.nullRuns)} [${pct(lo)}, ${pct(hi)}] |`);
    }
  }
  console.log('\n| scenario | variant | runs | power within budget | median minute | decided by then |');
  console.log('|---|---|---|---|---|---|');
  for (const id of opts.effects) {
    const s = scenarioById(id);
    const data = errorRuns(s, opts.effectRuns, opts.historyMinutes);
    for (const [name, v] of Object.entries(variants)) {
      const times = data.map((d) => decide(d, v, s.budgetMinutes));
      const t = tally(times, s.budgetMinutes);
      // How far the median is from the next minute: 50.3% decided by minute 6 is a median of 6 by a hair.
      const byMedian = t.median === null ? '—' : pct(times.filter((x) => x <= t.median!).length / times.length);
      console.log(`| ${id} | ${name} | ${opts.effectRuns} | ${pct(t.power)} | ${t.median ?? '—'} | ${byMedian} |`);
    }
  }
}
