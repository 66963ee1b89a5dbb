/**
 * From run-by-run outcomes to the numbers in the tables. Time to detect T is the minute of a
 * rollback (∞ for runs that were not rolled back), so its quantiles are those of the censored
 * distribution: the median is finite only if more than half the runs were rolled back.
 */
import { OUTCOME_CODE, type ChunkResult } from '../run/run-scenario.js';
import type { Scenario } from '../scenario.js';
import { clopperPearson } from './binomial-interval.js';

export interface MethodStats {
  runs: number;
  rollbacks: number;
  promotions: number;
  inconclusive: number;
  /** Neither rolled back nor promoted by the horizon (the oracle, which never promotes). */
  undecided: number;
  /** Share of runs rolled back at any time, with its 95% Clopper-Pearson interval. */
  rollbackRate: number;
  rollbackInterval: [number, number];
  /** Share of runs rolled back within the budget, with its 95% interval. */
  power: number;
  powerInterval: [number, number];
  /** Quantiles of T in minutes; null when not reached (fewer rollbacks than the quantile needs). */
  medianMinutes: number | null;
  p90Minutes: number | null;
  /** Median minute among the runs that were rolled back (when false rollbacks happen). */
  medianRollbackMinute: number | null;
  /** Median T over the oracle's median T, when both are finite. */
  ratioToOracle: number | null;
}

export interface ScenarioResult {
  scenario: Scenario;
  methods: Record<string, MethodStats>;
}

/** Smallest t with F̂(t) ≥ q (the inverse empirical CDF), or null if that is ∞. */
export function censoredQuantile(times: readonly number[], q: number): number | null {
  const sorted = [...times].sort((a, b) => a - b);
  const v = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return v === undefined || !Number.isFinite(v) ? null : v;
}

export function methodStats(s: Scenario, r: { outcome: number[]; minute: number[] }): Omit<MethodStats, 'ratioToOracle'> {
  const n = r.outcome.length;
  const count = (code: number) => r.outcome.filter((o) => o === code).length;
  const rollbacks = count(OUTCOME_CODE.rollback);
  const times = r.outcome.map((o, i) => (o === OUTCOME_CODE.rollback ? (r.minute[i] as number) : Infinity));
  const detected = times.filter((t) => t <= s.budgetMinutes).length;
  return {
    runs: n,
    rollbacks,
    promotions: count(OUTCOME_CODE.promote),
    inconclusive: count(OUTCOME_CODE.inconclusive),
    undecided: count(0),
    rollbackRate: rollbacks / n,
    rollbackInterval: clopperPearson(rollbacks, n),
    power: detected / n,
    powerInterval: clopperPearson(detected, n),
    medianMinutes: censoredQuantile(times, 0.5),
    p90Minutes: censoredQuantile(times, 0.9),
    medianRollbackMinute: censoredQuantile(times.filter(Number.isFinite), 0.5),
  };
}

export function scenarioResult(s: Scenario, chunk: ChunkResult): ScenarioResult {
  const methods: Record<string, MethodStats> = {};
  for (const [id, r] of Object.entries(chunk)) methods[id] = { ...methodStats(s, r), ratioToOracle: null };
  const oracle = methods.oracle?.medianMinutes ?? null;
  for (const m of Object.values(methods)) {
    if (oracle !== null && m.medianMinutes !== null) m.ratioToOracle = m.medianMinutes / oracle;
  }
  return { scenario: s, methods };
}

/** Concatenates chunks of the same scenario (in run order). */
export function mergeChunks(chunks: readonly ChunkResult[]): ChunkResult {
  const out: ChunkResult = {};
  for (const c of chunks) {
    for (const [id, r] of Object.entries(c)) {
      const o = (out[id] ??= { outcome: [], minute: [] });
      o.outcome.push(...r.outcome);
      o.minute.push(...r.minute);
    }
  }
  return out;
}
