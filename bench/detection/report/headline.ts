/**
 * The headline table: per method, the worst false-rollback rate over the no-change scenarios and
 * the median time to detect as a ratio to the oracle's, over the effect scenarios where both are
 * finite (a method that does not detect a scenario within its horizon has no ratio there; the
 * count says how many scenarios the figure rests on).
 */
import type { Method } from '../methods.js';
import type { MethodStats, ScenarioResult } from './summary.js';

export interface HeadlineRow {
  method: string;
  label: string;
  worstFalseRollback: { rate: number; interval: [number, number]; scenario: string } | null;
  /** The same over the scenarios with independent (Binomial) errors only. */
  worstFalseRollbackIndependent: { rate: number; interval: [number, number]; scenario: string } | null;
  medianRatioToOracle: number | null;
  worstRatioToOracle: number | null;
  /** Effect scenarios with a finite ratio / effect scenarios. */
  ratioScenarios: [number, number];
  /** Effect scenarios whose median time to detect is within the budget. */
  detected: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? null : n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
};

function worst(results: ScenarioResult[], id: string) {
  let w: HeadlineRow['worstFalseRollback'] = null;
  for (const r of results) {
    const m: MethodStats | undefined = r.methods[id];
    if (m && (w === null || m.rollbackRate > w.rate)) w = { rate: m.rollbackRate, interval: m.rollbackInterval, scenario: r.scenario.id };
  }
  return w;
}

export function headline(methods: readonly Method[], results: readonly ScenarioResult[]): HeadlineRow[] {
  const nulls = results.filter((r) => r.scenario.kind === 'no-change');
  const effects = results.filter((r) => r.scenario.kind !== 'no-change');
  return methods.map((m) => {
    const ratios = effects.map((r) => r.methods[m.id]?.ratioToOracle).filter((x): x is number => typeof x === 'number');
    return {
      method: m.id,
      label: m.label,
      worstFalseRollback: worst(nulls, m.id),
      worstFalseRollbackIndependent: worst(nulls.filter((r) => r.scenario.overdispersion?.kind !== 'bursts' && !(r.scenario.overdispersion?.kind === 'beta' && !r.scenario.overdispersion.shared)), m.id),
      medianRatioToOracle: median(ratios),
      worstRatioToOracle: ratios.length ? Math.max(...ratios) : null,
      ratioScenarios: [ratios.length, effects.length],
      detected: effects.filter((r) => {
        const s = r.methods[m.id];
        return s?.medianMinutes !== null && s?.medianMinutes !== undefined && s.medianMinutes <= r.scenario.budgetMinutes;
      }).length,
    };
  });
}
