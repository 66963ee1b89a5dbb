/** The two charts of docs/judgment.md: false-rollback rates under no change, and time to detect. */
import type { Method } from '../methods.js';
import type { ScenarioResult } from './summary.js';
import { dotPlot } from './svg.js';

export const COLORS: Record<string, string> = {
  wavegate: '#1b7f3b',
  flagger: '#d95f02',
  'flagger-default': '#fdae6b',
  argo: '#7570b3',
  'argo-default': '#bcbddc',
  'kayenta-end': '#1f78b4',
  'kayenta-peek': '#a6cee3',
  oracle: '#000000',
};

export function falseRollbackChart(methods: readonly Method[], results: readonly ScenarioResult[]): string {
  const nulls = results.filter((r) => r.scenario.kind === 'no-change');
  const shown = methods.filter((m) => m.role !== 'oracle');
  return dotPlot({
    title: 'False rollbacks under no change (95% Clopper-Pearson intervals)',
    rows: nulls.map((r) => r.scenario.id),
    series: shown.map((m) => ({
      label: m.label,
      color: COLORS[m.id] ?? '#888',
      points: nulls.map((r) => {
        const s = r.methods[m.id];
        return s ? { value: s.rollbackRate, low: s.rollbackInterval[0], high: s.rollbackInterval[1] } : { value: null };
      }),
    })),
    scale: (v) => Math.sqrt(v),
    ticks: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1].map((v) => ({ value: v, label: `${v * 100}%` })),
    reference: { value: 0.01, label: 'α = 1%' },
    noValueLabel: '',
    axisLabel: 'share of no-change rollouts rolled back (square-root scale)',
  });
}

export function detectionChart(methods: readonly Method[], results: readonly ScenarioResult[]): string {
  const effects = results.filter((r) => r.scenario.kind !== 'no-change');
  const medians = effects.flatMap((r) => Object.values(r.methods).map((m) => m.medianMinutes ?? 0));
  const max = 10 * Math.ceil(Math.max(...effects.map((r) => r.scenario.budgetMinutes), ...medians) / 10);
  return dotPlot({
    title: 'Median time to detect (minutes; hollow = not detected by half the runs within the horizon)',
    rows: effects.map((r) => `${r.scenario.id} (budget ${r.scenario.budgetMinutes}m)`),
    series: methods.map((m) => ({
      label: m.label,
      color: COLORS[m.id] ?? '#888',
      points: effects.map((r) => ({ value: r.methods[m.id]?.medianMinutes ?? null })),
    })),
    scale: (v) => v / max,
    ticks: Array.from({ length: max / 5 + 1 }, (_, i) => 5 * i).filter((v) => max <= 30 || v % 10 === 0).map((v) => ({ value: v, label: `${v}` })),
    noValueLabel: 'not detected',
    axisLabel: 'median minutes to roll back (runs not rolled back count as never)',
  });
}
