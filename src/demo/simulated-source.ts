import type { MetricsSource, QueryResult, RangeStep } from '../core/analysis/metrics-source.js';
import { MetricsQueryRejectedError } from '../errors/metrics-errors.js';
import { evalExpr, parse, UnsupportedQueryError, type Expr, type SeriesHistory } from './promql-lite.js';

/**
 * The `MetricsSource` port answered from the synthetic workload's own counters, for machines without
 * a `prometheus` binary. A query it cannot evaluate is rejected like Prometheus rejects a bad query
 * (METRICS_QUERY_INVALID), never answered with an empty result.
 */
export function simulatedMetricsSource(history: SeriesHistory): MetricsSource {
  const parsed = new Map<string, Expr>();
  const instant = (query: string, at: number): QueryResult => {
    try {
      let e = parsed.get(query);
      if (!e) {
        if (parsed.size >= 1_000) parsed.clear();
        parsed.set(query, (e = parse(query)));
      }
      return { series: evalExpr(e, at, history), warnings: [] };
    } catch (err) {
      if (err instanceof UnsupportedQueryError) throw new MetricsQueryRejectedError(`the simulated metrics source cannot evaluate this query: ${err.message}`, { query, errorType: 'bad_data' });
      throw err;
    }
  };
  return {
    async instant(query, at, signal) {
      signal?.throwIfAborted();
      return instant(query, at);
    },
    async range(query, start, end, stepMs, signal): Promise<RangeStep[]> {
      signal?.throwIfAborted();
      if (!(stepMs > 0)) throw new MetricsQueryRejectedError('the step must be positive', { query, errorType: 'bad_data' });
      const steps: RangeStep[] = [];
      for (let at = start; at <= end; at += stepMs) steps.push({ at, ...instant(query, at) });
      return steps;
    },
  };
}
