import { describe, expect, it } from 'vitest';
import { buildExplanation } from '../../../src/core/explain/explanation.js';
import { ALL_FIXTURES, burnSpec, failedRatio, histogramSpec, measurementErrors, passedAllKinds, ratioSpec, thresholdFail } from './fixtures.js';

const GRAFANA = { grafanaUrl: 'https://grafana.example.com', grafanaDatasource: 'prom-main' };

describe('per-metric details', () => {
  it('list every PromQL query of the spec verbatim, with its role', () => {
    const [ratio, latency, burn] = buildExplanation(passedAllKinds(), {}).metrics;
    expect(ratio!.queries.map((q) => [q.role, q.promql])).toEqual([
      ['canary bad', ratioSpec.queries.canary.bad],
      ['canary total', ratioSpec.queries.canary.total],
      ['baseline bad', ratioSpec.queries.baseline.bad],
      ['baseline total', ratioSpec.queries.baseline.total],
    ]);
    expect(latency!.queries.map((q) => q.promql)).toEqual([histogramSpec.queries.canary.buckets, histogramSpec.queries.baseline.buckets]);
    expect(burn!.queries.map((q) => q.promql)).toContain(burnSpec.rows[0]!.queries.long);
  });

  it('add queries recorded on the measurements that differ from the spec’s', () => {
    const q = buildExplanation(measurementErrors(), {}).metrics[0]!.queries;
    const ran = q.filter((x) => x.source === 'measurement');
    expect(ran.map((x) => x.promql)).toEqual(['sum(increase(http_requests_total{service="checkout",track="canary",code=~"5.."}[60s]))']);
    expect(q.filter((x) => x.source === 'template')).toHaveLength(4);
  });

  it('link every query to Grafana Explore over the measured range only when a Grafana URL is set', () => {
    const a = failedRatio();
    for (const q of buildExplanation(a, GRAFANA).metrics[0]!.queries) {
      const panes = JSON.parse(new URL(q.grafanaUrl!).searchParams.get('panes')!);
      const pane = Object.values(panes)[0] as { queries: Array<{ expr: string }>; range: { from: string; to: string } };
      expect(pane.queries[0]!.expr).toBe(q.promql);
      expect(pane.range).toEqual({ from: String(a.startedAt), to: String(a.lastTickEnd) });
    }
    expect(buildExplanation(a, {}).metrics[0]!.queries.every((q) => q.grafanaUrl === null)).toBe(true);
  });

  it('give a table of the numbers with units', () => {
    const table = Object.fromEntries(buildExplanation(failedRatio(), {}).metrics[0]!.table.map((r) => [r.key, r.value]));
    expect(table).toMatchObject({
      canary: '1.10%',
      baseline: '0.50%',
      ratio: '2.20×',
      interval: '1.60×–3.10×',
      limit: '1.20×',
      eValue: '412',
      threshold: '300',
      alpha: '0.0033',
      canaryEvents: '120 bad of 10,900',
      baselineEvents: '50 bad of 10,000',
      measurements: '30 ok, 0 no data, 0 errors',
    });
  });

  it('break down the tests with their evidence', () => {
    const tests = buildExplanation(passedAllKinds(), {}).metrics[1]!.tests;
    expect(tests.map((t) => t.name)).toEqual(['share slower than 0.5s: canary ≤ 1.2× baseline', 'canary p99 ≤ 1s', 'latency distribution: canary same as baseline']);
    expect(tests[1]).toMatchObject({ fired: false, evidence: 'e-value 4.2e-18 < 180', detail: 'slower than 1s: 0.400% (allowed 1.00%)' });
  });

  it('group measurement errors by code and message', () => {
    const m = buildExplanation(measurementErrors(), {}).metrics[0]!;
    expect(m.errors).toEqual([{ code: 'METRICS_UNAVAILABLE', message: 'Prometheus answered 503 (service unavailable)', retryable: true, count: 5, lastAt: '2024-03-05T03:08:00.000Z' }]);
  });

  it('show a threshold metric’s last value in the unit of its template', () => {
    const table = buildExplanation(thresholdFail(), {}).metrics[0]!.table;
    expect(table.find((r) => r.key === 'canary')).toEqual({ key: 'canary', label: 'canary last value', value: '93.0%' });
  });

  it('are plain JSON for every fixture: no undefined, NaN or Infinity anywhere', () => {
    for (const [name, make] of Object.entries(ALL_FIXTURES)) {
      const e = buildExplanation(make(), { ...GRAFANA, baseUrl: 'https://wavegate.example.com/' });
      expect(nonJsonValues(e), name).toEqual([]);
      expect(JSON.parse(JSON.stringify(e)), name).toStrictEqual(e);
    }
  });

  it('keep an unbounded interval end as null in the numbers and ∞ in the text', () => {
    const m = buildExplanation(ALL_FIXTURES.inconclusiveMissing!(), {}).metrics[0]!;
    expect(m.values.interval).toMatchObject({ lower: 0, upper: null });
    expect(m.table.find((r) => r.key === 'interval')!.value).toBe('0.00×–∞');
  });

  it('link back to the analysis when a base URL is given', () => {
    const e = buildExplanation(failedRatio(), { baseUrl: 'https://wavegate.example.com/' });
    expect(e.links).toEqual({ analysis: 'https://wavegate.example.com/api/v1/analyses/an-1', explanation: 'https://wavegate.example.com/api/v1/analyses/an-1/explanation' });
  });
});

/** Paths of values JSON cannot carry (undefined, NaN, ±Infinity, functions). */
function nonJsonValues(value: unknown, path = '$'): string[] {
  if (value === undefined || typeof value === 'function') return [path];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonJsonValues(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonJsonValues(v, `${path}.${k}`));
  return [];
}
