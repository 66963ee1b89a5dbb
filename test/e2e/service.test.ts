import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../harness/app.js';
import { manualClock } from '../harness/clock.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { startRedis, type TestRedis } from '../harness/redis.js';
import { iso, SCENARIO_START, standardScenarios } from '../fixtures/scenarios.js';

const MIN = 60_000;
let prometheus: RunningPrometheus;
let redis: TestRedis;

beforeAll(async () => {
  [prometheus, redis] = await Promise.all([startPrometheus({ openmetrics: standardScenarios().openmetrics }), startRedis()]);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await redis?.stop();
});

const liveBody = (service: string) => ({
  key: `live-${service}`,
  templates: ['http-success-rate', 'http-latency'],
  args: { service },
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  startTime: iso(SCENARIO_START + MIN),
  interval: '1m',
  maxDuration: '30m',
});

describe('the service over a real socket with Redis', () => {
  it('keeps a live analysis across a restart of the service and finishes it', async () => {
    const clock = manualClock(SCENARIO_START + MIN);
    const env = { PROMETHEUS_URL: prometheus.url, REDIS_URL: redis.url, REDIS_PREFIX: `restart-${Date.now()}:` };
    let app: App = await buildTestApp(env, { now: clock.now });
    await app.api.listen({ port: 0, host: '127.0.0.1' });
    const url = (a: App) => {
      const address = a.api.server.address();
      if (!address || typeof address === 'string') throw new Error('not listening');
      return `http://127.0.0.1:${address.port}`;
    };
    const created = await fetch(`${url(app)}/api/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(liveBody('checkout')) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    clock.set(SCENARIO_START + 3 * MIN);
    await app.runner.poll();
    const midway = (await (await fetch(`${url(app)}/api/v1/analyses/${id}`)).json()) as { measuredUntil: string; verdict: string };
    expect(midway.measuredUntil).toBe(iso(SCENARIO_START + 3 * MIN));
    await app.close();

    // A new process: same Redis, nothing in memory.
    app = await buildTestApp(env, { now: clock.now });
    await app.api.listen({ port: 0, host: '127.0.0.1' });
    const resumed = (await (await fetch(`${url(app)}/api/v1/analyses/${id}`)).json()) as { measuredUntil: string; verdict: string };
    expect(resumed.measuredUntil).toBe(midway.measuredUntil);
    clock.set(SCENARIO_START + 31 * MIN);
    await app.runner.poll();
    const done = (await (await fetch(`${url(app)}/api/v1/analyses/${id}`)).json()) as { verdict: string };
    expect(done.verdict).toBe('fail');
    const again = await fetch(`${url(app)}/api/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(liveBody('checkout')) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(id);
    await app.close();
  });

  it('requires the API token when one is configured, and never echoes it', async () => {
    const token = 's3cret-token-that-is-long-enough';
    const app = await buildTestApp({ PROMETHEUS_URL: prometheus.url, API_TOKEN: token });
    const denied = await app.api.inject({ url: '/api/v1/analyses' });
    expect(denied.statusCode).toBe(401);
    expect(denied.body).not.toContain(token);
    const wrong = await app.api.inject({ url: '/api/v1/analyses', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const ok = await app.api.inject({ url: '/api/v1/analyses', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    // The check follows the route fastify matched, not the raw URL.
    expect((await app.api.inject({ url: '/%61pi/v1/analyses' })).statusCode).toBe(401);
    expect((await app.api.inject({ url: 'http://x/api/v1/analyses' })).statusCode).toBe(401);
    expect((await app.api.inject({ url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('is not ready when Redis is unreachable, and says so', async () => {
    const app = await buildTestApp({ PROMETHEUS_URL: prometheus.url, REDIS_URL: 'redis://127.0.0.1:1' });
    const res = await app.api.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.store.ok).toBe(false);
    await app.close();
  });
});
