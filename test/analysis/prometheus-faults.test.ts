import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../harness/app.js';
import { startBrokenPrometheus, type BrokenPrometheus, type Fault } from '../harness/broken-prometheus.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { iso, SCENARIO_START, standardScenarios } from '../fixtures/scenarios.js';

/**
 * Whatever Prometheus does wrong, an analysis never passes on it: each fault is recorded as a
 * measurement (error or nodata) and the verdict ends inconclusive, with the reason in the metric.
 */
const MIN = 60_000;
let broken: BrokenPrometheus;
let real: RunningPrometheus;
let app: App;
let realApp: App;

beforeAll(async () => {
  [broken, real] = await Promise.all([startBrokenPrometheus(), startPrometheus({ openmetrics: standardScenarios().openmetrics })]);
  app = await buildTestApp({ PROMETHEUS_URL: broken.url, PROMETHEUS_TIMEOUT: '300ms' });
  realApp = await buildTestApp({ PROMETHEUS_URL: real.url });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await realApp?.close();
  await broken?.stop();
  await real?.stop();
});

const body = (over: Record<string, unknown> = {}) => ({
  templates: ['http-success-rate'],
  args: { service: 'payments' },
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  startTime: iso(SCENARIO_START + MIN),
  endTime: iso(SCENARIO_START + 11 * MIN),
  interval: '1m',
  ...over,
});

const cases: Array<[string, Fault, RegExp]> = [
  ['400 bad_data', { kind: 'bad_data', error: 'parse error at char 5' }, /rejected by Prometheus.*METRICS_QUERY_INVALID/],
  ['422 execution', { kind: 'execution', error: 'many-to-many matching not allowed' }, /rejected by Prometheus/],
  ['503 unavailable', { kind: 'unavailable' }, /consecutive measurements failed.*METRICS_UNAVAILABLE/],
  ['a timeout', { kind: 'slow', delayMs: 2000 }, /consecutive measurements failed/],
  ['answers with warnings', { kind: 'warnings', warnings: ['remote store unavailable'] }, /too few events/],
  ['empty answers', { kind: 'empty' }, /too few events/],
  ['NaN answers', { kind: 'nan' }, /too few events/],
  ['non-JSON answers', { kind: 'not_json' }, /consecutive measurements failed.*METRICS_BAD_RESPONSE/],
];

describe('Prometheus faults never become a pass', () => {
  it.each(cases)('%s → inconclusive with the reason', async (_name, fault, reason) => {
    broken.respondWith(fault);
    const res = await app.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: body() });
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a.verdict).toBe('inconclusive');
    expect(a.metrics[0].reason).toMatch(reason);
  }, 30_000);

  it('against the real server: a query Prometheus rejects (422 many-to-many) is inconclusive, naming the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wavegate-templates-'));
    await writeFile(
      join(dir, 'broken.yaml'),
      [
        'apiVersion: wavegate.dev/v1alpha1',
        'kind: AnalysisTemplate',
        'metadata: { name: many-to-many }',
        'spec:',
        '  args: [{ name: service }]',
        '  metrics:',
        '    - name: joined',
        '      kind: threshold',
        '      threshold:',
        '        query: http_requests_total{service="{{args.service}}"} * on(service) http_requests_total{service="{{args.service}}"}',
        '        successCondition: result < 1',
      ].join('\n'),
    );
    const custom = await buildTestApp({ PROMETHEUS_URL: real.url, TEMPLATES_DIR: dir });
    try {
      const res = await custom.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: body({ templates: ['many-to-many'] }) });
      const a = res.json();
      expect(a.verdict).toBe('inconclusive');
      expect(a.metrics[0].reason).toMatch(/METRICS_QUERY_INVALID.*many-to-many/);
      expect(a.metrics[0].evidence.measurements.error).toBe(1);
    } finally {
      await custom.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('against the real server: a time range with no data at all is inconclusive', async () => {
    const res = await realApp.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: body({ startTime: iso(SCENARIO_START - 120 * MIN), endTime: iso(SCENARIO_START - 100 * MIN) }) });
    const a = res.json();
    expect(a.verdict).toBe('inconclusive');
    expect(a.metrics[0].evidence.measurements.nodata).toBe(20);
  });
});
