import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { buildTestApp } from '../harness/app.js';
import { iso, SCENARIO_START, standardScenarios } from '../fixtures/scenarios.js';

let prometheus: RunningPrometheus;
let app: App;
const MIN = 60_000;

beforeAll(async () => {
  prometheus = await startPrometheus({ openmetrics: standardScenarios().openmetrics });
  app = await buildTestApp({ PROMETHEUS_URL: prometheus.url });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await prometheus?.stop();
});

const body = (service: string, over: Record<string, unknown> = {}) => ({
  templates: ['http-success-rate', 'http-latency', 'error-budget-burn'],
  args: { service, objective: '99' },
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  startTime: iso(SCENARIO_START + MIN),
  endTime: iso(SCENARIO_START + 31 * MIN),
  interval: '1m',
  maxDuration: '30m',
  ...over,
});

const post = (payload: unknown) => app.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: payload as object });

describe('retrospective analyses against a real Prometheus', () => {
  it('passes an unchanged canary and says what was ruled out', async () => {
    const res = await post(body('payments'));
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a.mode).toBe('retrospective');
    expect(a.verdict).toBe('pass');
    expect(a.score).toBe(100);
    expect(a.metrics.map((m: { verdict: string }) => m.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(a.metrics[0].reason).toMatch(/ruled out/);
    expect(a.explanationUrl).toMatch(new RegExp(`/api/v1/analyses/${a.id}/explanation$`));
  });

  it('fails a canary with four times the errors, at the measurement that settled it', async () => {
    const a = (await post(body('checkout'))).json();
    expect(a.verdict).toBe('fail');
    const errors = a.metrics.find((m: { name: string }) => m.name === 'error-rate');
    expect(errors.verdict).toBe('fail');
    expect(errors.evidence.counts.canary.bad).toBeGreaterThan(0);
    expect(errors.evidence.logEValue).toBeGreaterThanOrEqual(errors.evidence.logThreshold);
    expect(Date.parse(a.decidedAt)).toBeLessThan(SCENARIO_START + 31 * MIN);
    expect(Date.parse(a.decidedAt)).toBe(Date.parse(errors.decidedAt));
  });

  it('fails a canary whose latency tail got heavier', async () => {
    const a = (await post(body('catalog'))).json();
    expect(a.verdict).toBe('fail');
    expect(a.metrics.find((m: { kind: string }) => m.kind === 'histogram').verdict).toBe('fail');
  });

  it('is inconclusive, never pass, when the canary exports nothing', async () => {
    const a = (await post(body('search'))).json();
    expect(a.verdict).toBe('inconclusive');
    expect(a.metrics.every((m: { verdict: string }) => m.verdict === 'inconclusive')).toBe(true);
    expect(a.metrics[0].evidence.measurements.nodata).toBe(30);
  });

  it('replays the same verdict, numbers and decision time every time', async () => {
    const first = (await post(body('checkout'))).json();
    const second = (await post(body('checkout'))).json();
    expect(second.id).not.toBe(first.id);
    expect(second.decidedAt).toBe(first.decidedAt);
    expect(second.metrics).toEqual(first.metrics);
  });

  it('returns the same analysis for the same key (200) instead of starting a second one', async () => {
    const a = await post(body('payments', { key: 'release-42' }));
    const b = await post(body('payments', { key: 'release-42' }));
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(200);
    expect(b.json().id).toBe(a.json().id);
  });

  it('lists analyses by key and verdict, and reads one by id', async () => {
    const created = (await post(body('checkout', { key: 'list-me' }))).json();
    const byKey = (await app.api.inject({ url: '/api/v1/analyses?key=list-me' })).json();
    expect(byKey.items.map((a: { id: string }) => a.id)).toEqual([created.id]);
    const fails = (await app.api.inject({ url: '/api/v1/analyses?verdict=fail' })).json();
    expect(fails.items.every((a: { verdict: string }) => a.verdict === 'fail')).toBe(true);
    const one = await app.api.inject({ url: `/api/v1/analyses/${created.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().id).toBe(created.id);
  });
});

describe('aborting', () => {
  it('stops a live analysis: undecided metrics become inconclusive, with who and why', async () => {
    const live = (await post({ ...body('payments'), startTime: undefined, endTime: undefined, key: 'abort-me' })).json();
    expect(live.verdict).toBe('running');
    const res = await app.api.inject({ method: 'POST', url: `/api/v1/analyses/${live.id}/abort`, payload: { reason: 'release cancelled', by: 'alice' } });
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a.verdict).toBe('inconclusive');
    expect(a.abort).toMatchObject({ reason: 'release cancelled', by: 'alice' });
    expect(a.metrics.every((m: { verdict: string }) => m.verdict === 'inconclusive')).toBe(true);
    const text = await app.api.inject({ url: `/api/v1/analyses/${live.id}/explanation`, headers: { accept: 'text/plain' } });
    expect(text.body).toMatch(/alice/);
  });

  it('leaves a decided analysis as it was, and answers 404 and 400 for bad aborts', async () => {
    const done = (await post(body('checkout'))).json();
    const res = await app.api.inject({ method: 'POST', url: `/api/v1/analyses/${done.id}/abort`, payload: { reason: 'too late' } });
    expect(res.json().verdict).toBe('fail');
    expect(res.json().abort).toBeUndefined();
    expect((await app.api.inject({ method: 'POST', url: '/api/v1/analyses/nope/abort', payload: {} })).statusCode).toBe(404);
    const bad = await app.api.inject({ method: 'POST', url: `/api/v1/analyses/${done.id}/abort`, payload: { reason: 7 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('reason');
  });
});

describe('explanations', () => {
  it('explains a failure in JSON, Markdown and plain text, with the PromQL that ran', async () => {
    const a = (await post(body('checkout'))).json();
    const json = await app.api.inject({ url: `/api/v1/analyses/${a.id}/explanation`, headers: { accept: 'application/json' } });
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(json.json().headline).toMatch(/error/i);
    const md = await app.api.inject({ url: `/api/v1/analyses/${a.id}/explanation`, headers: { accept: 'text/markdown' } });
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toContain('http_requests_total{service="checkout", code=~"5..", track="canary"}');
    const text = await app.api.inject({ url: `/api/v1/analyses/${a.id}/explanation`, headers: { accept: 'text/plain' } });
    expect(text.headers['content-type']).toMatch(/text\/plain/);
    for (const out of [json.body, md.body, text.body]) expect(out).not.toMatch(/undefined|NaN|\[object Object\]/);
  });
});

describe('bad input', () => {
  it.each([
    [{ ...body('payments'), templates: [] }, 'templates'],
    [{ ...body('payments'), templates: ['no-such-template'] }, 'templates'],
    [{ ...body('payments'), interval: 'soon' }, 'interval'],
    [{ ...body('payments'), endTime: iso(SCENARIO_START) }, 'endTime'],
    [{ ...body('payments'), scopes: { canary: { 'bad-label': 'x' }, baseline: {} } }, 'scopes.canary.bad-label'],
    [{ ...body('payments'), args: { service: 'x"} or vector(1) #' } }, 'args.service'],
    [{ ...body('payments'), surprise: true }, ''],
    [{ ...body('payments'), alpha: 5e-324 }, 'alpha'],
    [{ ...body('payments'), interval: '1s', maxDuration: '1h', endTime: undefined, startTime: undefined }, 'interval'],
  ])('answers 400 naming the field for %#', async (payload, field) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    const err = res.json();
    expect(err.code).toMatch(/^[A-Z_]+$/);
    expect(err.requestId).toBeTruthy();
    expect(err.message).toContain(field);
  });

  it('answers 400, not 500, to a body that is not JSON', async () => {
    const res = await app.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: '{nope', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('REQUEST_MALFORMED');
  });

  it('answers 413 to a body over the limit before parsing it', async () => {
    const res = await post({ ...body('payments'), args: { service: 'payments', pad: 'x'.repeat(100_000) } });
    expect(res.statusCode).toBe(413);
  });

  it('answers 404 for an unknown analysis', async () => {
    const res = await app.api.inject({ url: '/api/v1/analyses/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ANALYSIS_NOT_FOUND');
  });
});

describe('operations', () => {
  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await app.api.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.api.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.templates.loaded).toBeGreaterThanOrEqual(3);
    const metrics = await app.api.inject({ url: '/metrics' });
    expect(metrics.body).toContain('wavegate_analysis_verdicts_total');
    const doc = (await app.api.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/api/v1/analyses']).toBeDefined();
    expect((await app.api.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
