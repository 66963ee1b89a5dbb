import { describe, expect, it } from 'vitest';
import { evaluate, parse, parseDuration, UnsupportedQueryError, type SeriesHistory } from '../../src/demo/promql-lite.js';
import { simulatedMetricsSource } from '../../src/demo/simulated-source.js';
import { SnapshotHistory } from '../../src/demo/snapshot-history.js';
import { MetricsQueryRejectedError } from '../../src/errors/metrics-errors.js';
import { scopeMatcher } from '../../src/templates/promql/escape.js';
import { loadTemplates, renderMetrics } from '../../src/templates/index.js';
import { queriesOf } from '../../src/analysis/measure.js';

const T0 = 1_700_000_000_000;
const S = 1_000;

/** Counters that grow linearly from T0: `perSecond` per series, values at whole seconds. */
function linearHistory(series: Array<{ name: string; labels: Record<string, string>; perSecond: number }>, seconds = 120): SnapshotHistory {
  const h = new SnapshotHistory(series, 3_600_000);
  for (let s = 0; s <= seconds; s++) h.record(T0 + s * S, Float64Array.from(series.map((x) => x.perSecond * s)));
  return h;
}

const requests = (cluster: string, code: string, perSecond: number) => ({ name: 'http_requests_total', labels: { service: 'payments', cluster, code }, perSecond });
const bucket = (cluster: string, le: string, perSecond: number) => ({ name: 'http_request_duration_seconds_bucket', labels: { service: 'payments', cluster, le }, perSecond });

const history = linearHistory([
  requests('eu-west-1a', '200', 100),
  requests('eu-west-1a', '500', 1),
  requests('eu-west-1b', '200', 50),
  requests('eu-west-1b', '503', 5),
  requests('us-east-1a', '200', 200),
  requests('xeu-west-1a', '500', 1000),
  bucket('eu-west-1a', '0.1', 60),
  bucket('eu-west-1a', '+Inf', 101),
  bucket('eu-west-1b', '0.1', 30),
  bucket('eu-west-1b', '+Inf', 55),
]);

const value = (q: string, at = T0 + 60 * S, h: SeriesHistory = history) => evaluate(q, at, h);

describe('the simulated PromQL evaluator', () => {
  it('sums increase over the window for series matching exact matchers', () => {
    expect(value('sum(increase(http_requests_total{service="payments", cluster="eu-west-1a"}[10s]))')).toEqual([{ labels: {}, value: 1010 }]);
    expect(value('sum(increase(http_requests_total{cluster="eu-west-1a", code="500"}[1m]))')).toEqual([{ labels: {}, value: 60 }]);
  });

  it('anchors regex alternations at both ends, as PromQL does', () => {
    const q = 'sum(increase(http_requests_total{code=~"5..", cluster=~"eu-west-1a|eu-west-1b"}[10s]))';
    // eu-west-1a 500 (1/s) + eu-west-1b 503 (5/s); xeu-west-1a must not match.
    expect(value(q)).toEqual([{ labels: {}, value: 60 }]);
  });

  it('reads scope lists exactly as the template renderer escapes them', () => {
    const matcher = scopeMatcher('cluster', ['eu-west-1a', 'eu.west']);
    expect(matcher).toBe('cluster=~"eu-west-1a|eu\\\\.west"');
    expect(value(`sum(increase(http_requests_total{${matcher}}[10s]))`)).toEqual([{ labels: {}, value: 1010 }]);
    // The escaped dot matches only a dot.
    expect(value(`sum(increase(http_requests_total{${scopeMatcher('cluster', ['eu.west', 'a'])}}[10s]))`)).toEqual([]);
  });

  it('supports != and !~', () => {
    expect(value('sum(increase(http_requests_total{cluster!="xeu-west-1a", code!~"2.."}[1s]))')).toEqual([{ labels: {}, value: 6 }]);
  });

  it('returns nothing (no data, not zero) when no series matches', () => {
    expect(value('sum(increase(http_requests_total{cluster="nowhere"}[10s]))')).toEqual([]);
    expect(value('sum(increase(nope_total[10s]))')).toEqual([]);
  });

  it('measures increase as the counter now minus the counter a window ago, from 0 before the first sample', () => {
    const q = 'sum(increase(http_requests_total{cluster="us-east-1a"}[30s]))';
    expect(value(q, T0 + 10 * S)).toEqual([{ labels: {}, value: 2000 }]); // window reaches before T0
    expect(value(q, T0 + 100 * S)).toEqual([{ labels: {}, value: 6000 }]);
    expect(value(q, T0 + 100.5 * S)).toEqual([{ labels: {}, value: 6000 }]); // the last sample at or before t
    expect(value(q, T0 - 1)).toEqual([]); // before the series existed
  });

  it('groups by le for histograms', () => {
    const q = 'sum by (le) (increase(http_request_duration_seconds_bucket{service="payments", cluster=~"eu-west-1a|eu-west-1b"}[2s]))';
    expect(value(q).sort((a, b) => a.labels.le!.localeCompare(b.labels.le!))).toEqual([
      { labels: { le: '+Inf' }, value: 312 },
      { labels: { le: '0.1' }, value: 180 },
    ]);
  });

  it('divides two sums, giving NaN for 0/0 and nothing when a side is empty', () => {
    const ratio = (cluster: string) => `(sum(increase(http_requests_total{code=~"5..", cluster="${cluster}"}[1h]))) / (sum(increase(http_requests_total{cluster="${cluster}"}[1h])))`;
    expect(value(ratio('eu-west-1a'))[0]!.value).toBeCloseTo(1 / 101, 12);
    expect(value(ratio('us-east-1a'))).toEqual([]); // no 5xx series: the numerator is empty
    const zero = linearHistory([requests('a', '500', 0), requests('a', '200', 0)]);
    expect(Number.isNaN(value(ratio('a'), T0 + 60 * S, zero)[0]!.value)).toBe(true);
  });

  it('answers vector(1), the readiness probe', () => {
    expect(value('vector(1)')).toEqual([{ labels: {}, value: 1 }]);
  });

  it('refuses what it does not implement instead of guessing', () => {
    for (const q of ['rate(http_requests_total[1m])', 'sum(http_requests_total)', 'sum(increase(m[5x]))', 'sum(increase(m{a="b"}[1m])) > 1', 'sum(increase(m{a~"b"}[1m]))', 'sum(increase(m[1m])) by (le)']) {
      expect(() => parse(q), q).toThrow(UnsupportedQueryError);
    }
  });

  it('parses Prometheus durations', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('3d')).toBe(259_200_000);
    expect(() => parseDuration('5')).toThrow(UnsupportedQueryError);
  });
});

describe('the simulated metrics source', () => {
  it('answers every query the shipped templates render for the demo, with data', async () => {
    const { templates } = await loadTemplates('analysis-templates');
    const specs = renderMetrics(templates, {
      templates: ['http-success-rate', 'http-latency', 'error-budget-burn'],
      args: { service: 'payments', objective: '99' },
      scopes: { canary: { cluster: ['eu-west-1a', 'us-east-1a'] }, baseline: { cluster: 'eu-west-1b' } },
      intervalMs: 2_000,
    });
    const source = simulatedMetricsSource(history);
    const queries = specs.flatMap(queriesOf);
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) {
      const answer = await source.instant(q, T0 + 60 * S);
      expect(answer.warnings).toEqual([]);
      expect(answer.series.length, q).toBeGreaterThan(0);
      for (const s of answer.series) expect(Number.isFinite(s.value), q).toBe(true);
    }
  });

  it('rejects an unsupported query as Prometheus rejects a bad one (not retryable)', async () => {
    const source = simulatedMetricsSource(history);
    const err = await source.instant('histogram_quantile(0.99, x)', T0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricsQueryRejectedError);
    expect((err as MetricsQueryRejectedError).retryable).toBe(false);
  });

  it('evaluates range queries step by step', async () => {
    const source = simulatedMetricsSource(history);
    const steps = await source.range('sum(increase(http_requests_total{cluster="us-east-1a"}[1s]))', T0 + 10 * S, T0 + 12 * S, S);
    expect(steps).toEqual([10, 11, 12].map((s) => ({ at: T0 + s * S, series: [{ labels: {}, value: 200 }], warnings: [] })));
  });
});

describe('the snapshot history', () => {
  it('drops snapshots past retention and then starts long windows at the oldest one', () => {
    const h = new SnapshotHistory([{ name: 'c_total', labels: {} }], 10 * S);
    for (let s = 0; s <= 30; s++) h.record(T0 + s * S, Float64Array.of(s));
    expect(h.valueAt(0, T0 + 30 * S)).toBe(30);
    expect(h.valueAt(0, T0 + 25.5 * S)).toBe(25);
    expect(h.valueAt(0, T0)).toBe(20); // before the oldest kept snapshot
  });

  it('refuses snapshots out of time order', () => {
    const h = new SnapshotHistory([{ name: 'c_total', labels: {} }], 10 * S);
    h.record(T0, Float64Array.of(1));
    expect(() => h.record(T0 - 1, Float64Array.of(2))).toThrow(RangeError);
  });
});
