import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../harness/app.js';
import { manualClock } from '../harness/clock.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { SCENARIO_START, standardScenarios } from '../fixtures/scenarios.js';

const MIN = 60_000;
let prometheus: RunningPrometheus;
let app: App;
const clock = manualClock(SCENARIO_START + MIN);

beforeAll(async () => {
  prometheus = await startPrometheus({ openmetrics: standardScenarios().openmetrics });
  app = await buildTestApp({ PROMETHEUS_URL: prometheus.url }, { now: clock.now });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await prometheus?.stop();
});

/** Moves the clock to `minutes` after the analyses started and lets the scheduler tick them. */
async function runUntil(minutes: number) {
  clock.set(SCENARIO_START + MIN + minutes * MIN);
  await app.runner.poll();
}

const argoBody = (service: string, key: string) => ({
  key,
  templates: ['http-success-rate', 'http-latency', 'error-budget-burn'],
  args: { service, objective: '99' },
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  interval: '1m',
  maxDuration: '30m',
});

const flagger = (hook: string, service: string, checksum: string, extra: Record<string, string> = {}) =>
  app.api.inject({
    method: 'POST',
    url: `/api/v1/hooks/flagger/${hook}`,
    payload: {
      name: service,
      namespace: 'shop',
      phase: 'Progressing',
      checksum,
      metadata: {
        templates: 'http-success-rate,http-latency,error-budget-burn',
        'args.service': service,
        'args.objective': '99',
        'canary.track': 'canary',
        'baseline.track': 'baseline',
        interval: '1m',
        maxDuration: '30m',
        ...extra,
      },
    },
  });

describe('Argo Rollouts web metric and Flagger webhooks over live analyses', () => {
  it('starts analyses on the first call and answers from stored state while they run', async () => {
    clock.set(SCENARIO_START + MIN);
    const argo = await app.api.inject({ method: 'POST', url: '/api/v1/hooks/argo', payload: argoBody('checkout', 'rollout-checkout-abc123') });
    expect(argo.statusCode).toBe(200);
    expect(argo.json()).toMatchObject({ verdict: 'running', key: 'rollout-checkout-abc123' });
    const again = await app.api.inject({ method: 'POST', url: '/api/v1/hooks/argo', payload: argoBody('checkout', 'rollout-checkout-abc123') });
    expect(again.json().id).toBe(argo.json().id);

    for (const service of ['checkout', 'payments', 'search']) {
      expect((await flagger('pre-rollout', service, `rev-${service}`)).statusCode).toBe(200);
      const r = await flagger('rollout', service, `rev-${service}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/plain/);
      expect(r.body).toMatch(/^wavegate: running/);
    }
    expect((await flagger('confirm-promotion', 'payments', 'rev-payments')).statusCode).toBe(409);
    expect((await flagger('rollback', 'payments', 'rev-payments')).statusCode).toBe(409);
  });

  it('answers the Argo query-string form too', async () => {
    const q = 'key=rollout-checkout-abc123&templates=http-success-rate,http-latency,error-budget-burn&args.service=checkout&args.objective=99&canary.track=canary&baseline.track=baseline';
    const res = await app.api.inject({ url: `/api/v1/hooks/argo?${q}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().verdict).toBe('running');
  });

  it('halts a bad canary: Argo reads fail, Flagger gets 403 on rollout and 200 on rollback', async () => {
    await runUntil(30);
    const argo = (await app.api.inject({ method: 'POST', url: '/api/v1/hooks/argo', payload: argoBody('checkout', 'rollout-checkout-abc123') })).json();
    expect(argo.verdict).toBe('fail');
    expect(argo.reason).toMatch(/error/i);
    const rollout = await flagger('rollout', 'checkout', 'rev-checkout');
    expect(rollout.statusCode).toBe(403);
    expect(rollout.body).toMatch(/^wavegate: fail.*\(analysis [0-9a-f-]{36}\)$/);
    expect(rollout.body).not.toContain('\n');
    expect((await flagger('confirm-promotion', 'checkout', 'rev-checkout')).statusCode).toBe(403);
    expect((await flagger('rollback', 'checkout', 'rev-checkout')).statusCode).toBe(200);
  });

  it('promotes a healthy canary: confirm-promotion 200, rollback refused', async () => {
    expect((await flagger('confirm-promotion', 'payments', 'rev-payments')).statusCode).toBe(200);
    expect((await flagger('rollback', 'payments', 'rev-payments')).statusCode).toBe(409);
    expect((await flagger('rollout', 'payments', 'rev-payments')).statusCode).toBe(200);
  });

  it('never counts no data against the canary, and never promotes on it', async () => {
    const rollout = await flagger('rollout', 'search', 'rev-search');
    expect(rollout.statusCode).toBe(200);
    expect(rollout.body).toMatch(/inconclusive/);
    expect((await flagger('confirm-promotion', 'search', 'rev-search')).statusCode).toBe(409);
    expect((await flagger('rollback', 'search', 'rev-search')).statusCode).toBe(200);
    expect((await flagger('rollback', 'search', 'rev-search', { onInconclusive: 'hold' })).statusCode).toBe(409);
  });

  it('runs one analysis per Flagger checksum', async () => {
    const r = await flagger('rollout', 'payments', 'rev-payments-2');
    expect(r.body).toMatch(/running/);
  });

  it('halts Flagger with a one-line 422 when the metadata cannot be analysed', async () => {
    const res = await flagger('rollout', 'payments', 'rev-x', { templates: 'nope' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/^wavegate cannot analyse shop\/payments: .*nope/);
    const bad = await app.api.inject({ method: 'POST', url: '/api/v1/hooks/flagger/rollout', payload: { name: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect((await app.api.inject({ method: 'POST', url: '/api/v1/hooks/flagger/confirm-rollout', payload: {} })).statusCode).toBe(404);
  });

  it('answers Argo with 400 only when it truly cannot measure (no key, unknown template)', async () => {
    const noKey = await app.api.inject({ method: 'POST', url: '/api/v1/hooks/argo', payload: { ...argoBody('checkout', 'k'), key: undefined } });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().field).toBe('key');
    const badTemplate = await app.api.inject({ method: 'POST', url: '/api/v1/hooks/argo', payload: { ...argoBody('checkout', 'k2'), templates: ['missing'] } });
    expect(badTemplate.statusCode).toBe(400);
  });
});
