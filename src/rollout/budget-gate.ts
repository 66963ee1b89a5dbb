import { measureMetric } from '../analysis/measure.js';
import type { MetricsSource } from '../core/analysis/metrics-source.js';
import type { AnalysisRequest, MetricSpec } from '../core/analysis/model.js';
import type { Rollout } from '../core/rollout/rollout.js';
import { rowFires } from '../core/stats/burn-rows.js';
import { scopeOf } from './scope-of.js';

/**
 * The error-budget gate before a wave (SRE workbook, STATISTICS.md): the burnRate metrics of the
 * plan's gate templates are measured over the whole fleet, and the gate stays closed while any
 * multi-window row fires — the budget is going, so this is no time to add risk. Rows without data
 * keep the gate closed too: missing metrics never count as a green light.
 */
export function createBudgetGate(deps: { source: MetricsSource; renderSpecs: (r: AnalysisRequest) => MetricSpec[]; now: () => number }) {
  return async (r: Rollout, _wave: number): Promise<{ open: boolean; reason: string }> => {
    const gate = r.plan.policies.budgetGate;
    if (!gate) return { open: true, reason: 'no budget gate in the plan' };
    const now = deps.now();
    const specs = deps
      .renderSpecs({ templates: gate.templates, args: gate.args, scopes: { canary: scopeOf(r.fleet), baseline: {} }, startTime: now, intervalMs: 60_000, maxDurationMs: 60_000, alpha: 0.01 })
      .filter((s) => s.kind === 'burnRate');
    if (specs.length === 0) return { open: false, reason: `the gate templates ${gate.templates.join(', ')} have no burnRate metric` };
    const closed: string[] = [];
    const seen: string[] = [];
    for (const spec of specs) {
      if (spec.kind !== 'burnRate') continue;
      const m = await measureMetric(spec, now - 60_000, now, (q) => deps.source.instant(q, now));
      if (m.phase !== 'ok' || m.data?.kind !== 'burnRate') {
        closed.push(`${spec.template}/${spec.name}: ${m.error?.message ?? 'no data'}`);
        continue;
      }
      for (const row of spec.rows) {
        const seenRow = m.data.rows.find((x) => x.longWindow === row.longWindow && x.shortWindow === row.shortWindow);
        const fires = seenRow ? rowFires(seenRow.long, seenRow.short, spec.objective, row.burnRate) : null;
        const name = `${spec.template}/${spec.name} row ${row.burnRate}× over ${row.longWindow} and ${row.shortWindow}`;
        if (fires === null) closed.push(`${name}: no data`);
        else if (fires) closed.push(`${name} fires`);
        else seen.push(name);
      }
    }
    if (closed.length > 0) return { open: false, reason: closed.join('; ') };
    return { open: true, reason: `fleet burn is within budget (${seen.length} rows quiet)` };
  };
}
