import type { MetricsSource, QueryResult } from '../core/analysis/metrics-source.js';
import type { MetricSpec } from '../core/analysis/model.js';
import type { QueryLookup } from './measure.js';
import { queriesOf } from './measure.js';

/**
 * A retrospective analysis asks Prometheus once per distinct query (a range query with the tick as
 * step) instead of once per tick. Prometheus evaluates a range query as the instant query at each
 * step, so every tick sees exactly what a live run querying at that moment would have seen.
 * A query that failed is remembered as the error, so each tick's measurement records it.
 */
export async function prefetchRange(source: MetricsSource, specs: readonly MetricSpec[], firstEnd: number, lastEnd: number, stepMs: number): Promise<(end: number) => QueryLookup> {
  const distinct = [...new Set(specs.flatMap(queriesOf))];
  const answers = new Map<string, Map<number, QueryResult> | Error>();
  for (const q of distinct) {
    try {
      const steps = await source.range(q, firstEnd, lastEnd, stepMs);
      answers.set(q, new Map(steps.map((s) => [s.at, { series: s.series, warnings: s.warnings }])));
    } catch (err) {
      answers.set(q, err as Error);
    }
  }
  return (end) => async (query) => {
    const a = answers.get(query);
    if (a === undefined) return source.instant(query, end);
    if (a instanceof Error) throw a;
    return a.get(end) ?? { series: [], warnings: [] };
  };
}
