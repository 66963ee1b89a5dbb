import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../harness/app.js';
import { startBrokenPrometheus, type BrokenPrometheus } from '../harness/broken-prometheus.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { iso, SCENARIO_START, standardScenarios } from '../fixtures/scenarios.js';

/**
 * The hour before an analysis is read once, at its first tick, from the ratio metrics' own baseline
 * queries (range queries on a real Prometheus), and stored with the analysis for the dispersion
 * guard. When Prometheus cannot answer, the analysis goes on without it.
 */
const MIN = 60_000;
let real: RunningPrometheus;
let broken: BrokenPrometheus;
let app: App;
let brokenApp: App;

beforeAll(async () => {
  [real, broken] = await Promise.all([startPrometheus({ openmetrics: standardScenarios().openmetrics }), startBrokenPrometheus()]);
  app = await buildTestApp({ PROMETHEUS_URL: real.url });
  brokenApp = await buildTestApp({ PROMETHEUS_URL: broken.url, PROMETHEUS_TIMEOUT: '300ms' });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await brokenApp?.close();
  await real?.stop();
  await broken?.stop();
});

const body = (startMinute: number) => ({
  templates: ['http-success-rate', 'http-latency'],
  args: { service: 'payments' },
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  startTime: iso(SCENARIO_START + startMinute * MIN),
  endTime: iso(SCENARIO_START + (startMinute + 10) * MIN),
  interval: '1m',
});

describe('the baseline history before an analysis', () => {
  it('holds one count per interval the service exported before the start, for the ratio metric only', async () => {
    const res = await app.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: body(25) });
    expect(res.statusCode).toBe(201);
    const stored = (await app.store.get(res.json().id))!;
    expect(stored.verdict).not.toBe('running');
    const history = stored.baselineHistory!;
    expect(Object.keys(history)).toEqual([`http-success-rate/${stored.specs.find((s) => s.kind === 'ratio')!.name}`]);
    const counts = Object.values(history)[0]!;
    // The data starts 25 minutes before the analysis; the first interval with a full window onwards.
    expect(counts.length).toBeGreaterThanOrEqual(22);
    expect(counts.length).toBeLessThanOrEqual(25);
    for (const c of counts) {
      expect(c.total).toBeGreaterThan(90 * 60 * 0.9); // the baseline's 90 req/s over a minute
      expect(c.total).toBeLessThan(90 * 60 * 1.1);
      expect(c.bad / c.total).toBeGreaterThan(0.003);
      expect(c.bad / c.total).toBeLessThan(0.008);
    }
  });

  it('is not read for an analysis without a ratio metric, and nothing is stored for it', async () => {
    const res = await app.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: { ...body(25), templates: ['http-latency'] } });
    expect(res.statusCode).toBe(201);
    const stored = (await app.store.get(res.json().id))!;
    expect(stored.verdict).not.toBe('running');
    expect(stored.baselineHistory).toBeUndefined();
  });

  it('is empty, logged and not retried when Prometheus fails; the analysis is judged without it', async () => {
    broken.respondWith({ kind: 'unavailable' });
    const res = await brokenApp.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: body(25) });
    expect(res.statusCode).toBe(201);
    const stored = (await brokenApp.store.get(res.json().id))!;
    expect(Object.values(stored.baselineHistory!)).toEqual([[]]);
    expect(stored.verdict).toBe('inconclusive');
  });
});
