import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../../src/adapters/prometheus/index.js';
import type { MetricsSource, Sample } from '../../../src/core/analysis/metrics-source.js';
import { MetricsQueryRejectedError } from '../../../src/errors/metrics-errors.js';
import { canaryScenario, renderOpenMetrics, type Track } from '../../harness/openmetrics.js';
import { startPrometheus, type RunningPrometheus } from '../../harness/prometheus.js';

/**
 * The adapter against the real Debian Prometheus (2.42), with a backfilled scenario sampled every
 * 15 s: checkout's canary doubles its error rate (1% → 2%) and slows down from minute 5; an idle
 * service has traffic 0 and no canary at all.
 *
 * What `increase(x[1m])` returns in Prometheus 2.x: it takes the samples in [T−60s, T] (both ends
 * included), computes last − first, and extrapolates that delta to the whole 60 s window — by the
 * real gap at each edge when the gap is < 1.1 × the average sample spacing, else by half a spacing,
 * and never to before the counter's zero point. Hence, for 15 s samples:
 * - T on the sample grid: samples sit on both edges, nothing to extrapolate, increase = raw delta.
 * - T off the grid: delta × 60 / (last − first), i.e. the in-window slope stretched to 60 s.
 * - at the first sample (counters start at 0): the zero point clamps the start, still exact.
 * - after the last sample: the end gap is too wide, so only half a spacing is added (× 37.5/30).
 */

const MIN = 60_000;
const S = Date.UTC(2024, 0, 1, 0, 0, 0); // 2h-aligned: the scenario lands in one backfilled block
const END = S + 15 * MIN;
const fast = [0.5, 0.3, 0.15, 0.04, 0.01, 0];
const slow = [0.3, 0.3, 0.2, 0.15, 0.05, 0];

const checkout = canaryScenario({
  service: 'checkout',
  start: S,
  durationMs: 15 * MIN,
  baseline: [{ fromMs: 0, rps: 20, errorRate: 0.01, latencyShares: fast }],
  canary: [
    { fromMs: 0, rps: 10, errorRate: 0.01, latencyShares: fast },
    { fromMs: 5 * MIN, rps: 10, errorRate: 0.02, latencyShares: slow },
  ],
});
const idle = canaryScenario({ service: 'idle', start: S, durationMs: 15 * MIN, baseline: [{ fromMs: 0, rps: 0, errorRate: 0 }] });

let prometheus: RunningPrometheus;
let client: MetricsSource;

beforeAll(async () => {
  prometheus = await startPrometheus({ openmetrics: renderOpenMetrics([...checkout.series, ...idle.series]) });
  console.info(`prometheus ready at ${prometheus.url}: backfill ${prometheus.timings.backfillMs} ms, start→ready ${prometheus.timings.readyMs} ms`);
  client = createPrometheusClient({ baseUrl: prometheus.url, timeoutMs: 5_000, maxRetries: 0 });
}, 90_000);
afterAll(() => prometheus?.stop());

const requests = (track: Track, code?: string) =>
  `sum(increase(http_requests_total{service="checkout",track="${track}"${code ? `,code="${code}"` : ''}}[1m]))`;

async function single(query: string, at: number): Promise<number> {
  const { series, warnings } = await client.instant(query, at);
  expect(warnings).toEqual([]);
  expect(series).toHaveLength(1);
  return series[0]!.value;
}

/** The backfilled counter at a sample time. */
const counter = (track: Track, t: number) => checkout.countsAt(track, t)!;

describe('instant queries over a backfilled scenario', () => {
  it('returns exactly the raw counter delta for 1m windows that end on the sample grid', async () => {
    for (const at of [S + MIN, S + 3 * MIN, S + 5 * MIN, S + 5.5 * MIN, S + 10 * MIN, END]) {
      for (const track of ['canary', 'baseline'] as const) {
        const raw = checkout.countsBetween(track, at - MIN, at)!;
        expect(await single(requests(track), at)).toBe(raw.requests);
        expect(await single(requests(track, '500'), at)).toBe(raw.errors);
      }
    }
  });

  it('shows the canary error rate doubling from minute 5 while the baseline stays at 1%', async () => {
    const share = async (track: Track, at: number) => (await single(requests(track, '500'), at)) / (await single(requests(track), at));
    expect(await share('baseline', S + 4 * MIN)).toBeCloseTo(0.01, 3);
    expect(await share('canary', S + 4 * MIN)).toBeCloseTo(0.01, 3);
    expect(await share('baseline', S + 10 * MIN)).toBeCloseTo(0.01, 3);
    expect(await share('canary', S + 10 * MIN)).toBeCloseTo(0.02, 3);
  });

  it('stretches the in-window delta to 60 s when the window is off the sample grid', async () => {
    const at = S + 5 * MIN + 5_000; // window [4:05, 5:05] holds samples 4:15 … 5:00, just before the change
    const first = S + 4 * MIN + 15_000;
    const last = S + 5 * MIN;
    const delta = counter('canary', last).errors - counter('canary', first).errors; // 30 − 25
    const value = await single(requests('canary', '500'), at);
    expect(value).toBeCloseTo((delta * 60) / 45, 9); // 6.67
    // …which is not the 7 errors that happened in the window (the one at 5:01–5:05 was not scraped yet).
    expect(checkout.countsBetween('canary', at - MIN, at)!.errors).toBe(7);
    expect(Number.isInteger(value)).toBe(false);
  });

  it('does not extrapolate before the counter’s zero point at the start of the series', async () => {
    expect(await single(requests('canary'), S + 30_000)).toBe(counter('canary', S + 30_000).requests);
  });

  it('extrapolates only half a sample interval past the last sample', async () => {
    const delta = counter('baseline', END).requests - counter('baseline', END - 30_000).requests;
    expect(await single(requests('baseline'), END + 30_000)).toBeCloseTo(delta * (37.5 / 30), 9);
  });

  it('returns per-bucket latency counts equal to the backfilled histogram deltas', async () => {
    const at = S + 10 * MIN;
    const { series } = await client.instant(
      'sum by (le) (increase(http_request_duration_seconds_bucket{service="checkout",track="canary"}[1m]))',
      at,
    );
    const byLe = Object.fromEntries(series.map((s) => [s.labels['le'], s.value]));
    const raw = checkout.countsBetween('canary', at - MIN, at)!;
    expect(byLe).toEqual({ '0.05': raw.buckets[0], '0.1': raw.buckets[1], '0.25': raw.buckets[2], '0.5': raw.buckets[3], '1': raw.buckets[4], '+Inf': raw.buckets[5] });
    expect(byLe['+Inf']).toBe(raw.requests);
  });
});

describe('no data, NaN and infinities from a real Prometheus', () => {
  it('answers a scope without series with no series, not an error', async () => {
    await expect(client.instant('sum(increase(http_requests_total{service="idle",track="canary"}[1m]))', S + 5 * MIN)).resolves.toEqual({
      series: [],
      warnings: [],
    });
  });

  it('answers with no series once the data has stopped for longer than the window', async () => {
    await expect(client.instant(requests('canary'), END + 2 * MIN)).resolves.toEqual({ series: [], warnings: [] });
  });

  it('returns NaN for an error ratio over zero traffic', async () => {
    const ratio = 'sum(increase(http_requests_total{service="idle",code="500"}[1m])) / sum(increase(http_requests_total{service="idle"}[1m]))';
    expect(await single(ratio, S + 5 * MIN)).toBeNaN();
  });

  it('returns ±Inf scalars as infinities', async () => {
    expect(await single('1/0', S)).toBe(Number.POSITIVE_INFINITY);
    expect(await single('-1/0', S)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('maps Prometheus’ own parse (400) and execution (422) errors to MetricsQueryRejectedError', async () => {
    await expect(client.instant('sum(', S)).rejects.toThrow(MetricsQueryRejectedError);
    await expect(client.instant('sum(', S)).rejects.toThrow(/bad_data.*unclosed left parenthesis/);
    await expect(client.instant('label_replace(up, "a", "b", "c", "(")', S)).rejects.toThrow(/422 execution.*invalid regular expression/);
  });
});

describe('range queries', () => {
  const byTrack = (series: Sample[]) => [...series].sort((a, b) => (a.labels['track'] ?? '').localeCompare(b.labels['track'] ?? ''));

  it.each([
    { name: 'on the sample grid', start: S - 2 * MIN, stepMs: MIN },
    { name: 'off the grid with an odd step', start: S + 7_000, stepMs: 45_000 },
  ])('returns per-step values equal to instant queries at the same times ($name)', async ({ start, stepMs }) => {
    const query = 'sum by (track) (increase(http_requests_total{service="checkout",code="500"}[1m]))';
    const end = END + 2 * MIN;
    const steps = await client.range(query, start, end, stepMs);
    expect(steps.map((s) => s.at)).toEqual(Array.from({ length: Math.floor((end - start) / stepMs) + 1 }, (_, i) => start + i * stepMs));
    for (const step of steps) {
      const instant = await client.instant(query, step.at);
      expect(byTrack(step.series)).toEqual(byTrack(instant.series));
    }
    // Before the data (and at its first sample: increase needs two samples) and after it, steps are empty.
    expect(steps.filter((s) => s.at <= S).every((s) => s.series.length === 0)).toBe(true);
    expect(steps.filter((s) => s.at >= END + MIN + 1).every((s) => s.series.length === 0)).toBe(true);
    expect(steps.filter((s) => s.series.length === 2).length).toBeGreaterThan(10);
  });
});
