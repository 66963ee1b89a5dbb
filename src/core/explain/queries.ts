import type { Measurement, MetricSpec } from '../analysis/model.js';

/**
 * The PromQL behind a metric, verbatim, so on-call can paste it into Prometheus: every query the spec
 * rendered (what the template meant), then any query recorded on the measurements that differs from
 * all of those (what actually ran, if an adapter rewrote it).
 */
export interface MetricQuery {
  role: string;
  promql: string;
  source: 'template' | 'measurement';
}

export function metricQueries(spec: MetricSpec | undefined, measurements: readonly Measurement[]): MetricQuery[] {
  const fromSpec = spec ? specQueries(spec) : [];
  const known = new Set(fromSpec.map((q) => q.promql));
  const ran: MetricQuery[] = [];
  for (const m of measurements) {
    for (const promql of m.queries) {
      if (known.has(promql)) continue;
      known.add(promql);
      ran.push({ role: 'as run', promql, source: 'measurement' });
    }
  }
  return [...fromSpec, ...ran];
}

function specQueries(spec: MetricSpec): MetricQuery[] {
  const t = (role: string, promql: string): MetricQuery => ({ role, promql, source: 'template' });
  switch (spec.kind) {
    case 'ratio':
      return [
        t('canary bad', spec.queries.canary.bad),
        t('canary total', spec.queries.canary.total),
        t('baseline bad', spec.queries.baseline.bad),
        t('baseline total', spec.queries.baseline.total),
      ];
    case 'histogram':
      return [t('canary buckets', spec.queries.canary.buckets), t('baseline buckets', spec.queries.baseline.buckets)];
    case 'burnRate':
      return [
        t('canary bad', spec.queries.canary.bad),
        t('canary total', spec.queries.canary.total),
        ...spec.rows.flatMap((r) => [
          t(`row ${r.burnRate}× long window (${r.longWindow})`, r.queries.long),
          t(`row ${r.burnRate}× short window (${r.shortWindow})`, r.queries.short),
        ]),
      ];
    case 'threshold':
      return [t('query', spec.query)];
  }
}
