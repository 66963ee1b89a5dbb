import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Analysis } from '../../src/core/analysis/model.js';
import { tickJobId } from '../../src/jobs/bullmq/analysis-jobs.js';
import { BullmqRunner } from '../../src/jobs/bullmq-runner.js';
import { iso, SCENARIO_START, standardScenarios } from '../fixtures/scenarios.js';
import { buildTestApp } from '../harness/app.js';
import { manualClock } from '../harness/clock.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { startRedis, type TestRedis } from '../harness/redis.js';
import { expectedEnds, fastClock, tickEndsOf, waitFor } from './helpers.js';
import { spawnWorker, type WorkerProcess } from './workers.js';

const MIN = 60_000;
const START = SCENARIO_START + MIN;
let prometheus: RunningPrometheus;
let redis: TestRedis;
const apps: App[] = [];
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  [prometheus, redis] = await Promise.all([startPrometheus({ openmetrics: standardScenarios().openmetrics }), startRedis()]);
}, 60_000);
afterEach(async () => {
  await Promise.all([...apps.splice(0).map((a) => a.close()), ...workers.splice(0).map((w) => w.stop())]);
});
afterAll(async () => {
  await prometheus?.stop();
  await redis?.stop();
});

const body = (service: string, maxDuration = '20m') => ({
  key: `jobs-${service}-${randomUUID()}`,
  templates: ['http-success-rate', 'http-latency'],
  args: { service },
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  startTime: iso(START),
  interval: '1m',
  maxDuration,
});

function env(prefix: string): Record<string, string> {
  return { PROMETHEUS_URL: prometheus.url, REDIS_URL: redis.url, REDIS_PREFIX: prefix };
}

async function apiApp(prefix: string, overrides: Parameters<typeof buildTestApp>[1]): Promise<App> {
  const app = await buildTestApp(env(prefix), overrides);
  apps.push(app);
  return app;
}

async function create(app: App, service: string, maxDuration?: string): Promise<string> {
  const res = await app.api.inject({ method: 'POST', url: '/api/v1/analyses', payload: body(service, maxDuration) });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

const decided = (app: App, id: string, timeoutMs = 20_000) =>
  waitFor(`analysis ${id} to be decided`, async () => {
    const a = await app.store.get(id);
    return a && a.verdict !== 'running' ? a : undefined;
  }, timeoutMs);

/** Each interval measured exactly once, for every metric, and one stored write per tick. */
function expectEachTickOnce(a: Analysis): void {
  const want = expectedEnds(a);
  expect(want.length).toBeGreaterThan(0);
  for (const [metric, ends] of tickEndsOf(a)) expect(ends, metric).toEqual(want);
  // One write per tick, plus the one that stored the baseline's history at the first tick.
  expect(a.revision).toBe(want.length + 1);
  expect(a.baselineHistory).toBeDefined();
}

describe('analyses on BullMQ', () => {
  it('a live analysis created through the API reaches its verdict through BullMQ jobs', async () => {
    const clock = fastClock(START, 200); // one 1-minute interval every 300 ms
    const app = await apiApp(`api-${randomUUID()}:`, { now: clock.now, jobs: { clockRate: clock.rate } });
    expect(app.runner).toBeInstanceOf(BullmqRunner);
    await app.runner.start();
    const failing = await create(app, 'checkout');
    const silent = await create(app, 'search', '10m'); // no canary data: runs all 10 intervals

    const [failed, inconclusive] = [await decided(app, failing), await decided(app, silent)];
    expect(failed.verdict).toBe('fail');
    expect(inconclusive.verdict).toBe('inconclusive');
    expectEachTickOnce(failed);
    expectEachTickOnce(inconclusive);
    const queue = (app.runner as BullmqRunner).analysisQueue;
    await waitFor('the last jobs to finish', async () => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0);
    const completed = (await queue.getCompleted()).filter((j) => j.name === 'analysis.tick').map((j) => j.id!);
    expect(completed).toContain(tickJobId(failing, START + MIN)); // the first tick, scheduled on creation
    expect(completed.filter((j) => j.includes(silent)).length).toBeGreaterThanOrEqual(2); // each tick schedules the next
    expect(new Set(completed).size).toBe(completed.length);
    expect((await queue.getDelayed()).filter((j) => j.name === 'analysis.tick')).toEqual([]); // nothing left once decided
  });

  it('poll() on a manual clock runs the due ticks through BullMQ (how the scheduler tests drive it)', async () => {
    const clock = manualClock(START);
    const app = await apiApp(`poll-${randomUUID()}:`, { now: clock.now });
    const id = await create(app, 'payments', '30m');
    clock.set(START + 2 * MIN);
    await app.runner.poll();
    expect((await app.store.get(id))!.lastTickEnd).toBe(START + 2 * MIN);
    const queue = (app.runner as BullmqRunner).analysisQueue;
    expect((await queue.getCompleted()).map((j) => j.id)).toEqual([tickJobId(id, START + MIN)]);
    expect((await queue.getDelayed()).map((j) => j.id)).toEqual([tickJobId(id, START + 3 * MIN)]);
  });
});

describe('analyses on BullMQ across worker processes', () => {
  const workerEnv = (prefix: string) => ({ ...env(prefix), WG_LOCK_MS: '1000', WG_STALLED_MS: '300', WG_LEASE_TTL_MS: '1500', WG_CONCURRENCY: '1' });

  it('two worker processes share the work and no tick is measured twice', async () => {
    const prefix = `pair-${randomUUID()}:`;
    const rate = 300; // one interval every 200 ms
    const [a, b] = await Promise.all([spawnWorker('worker-a', workerEnv(prefix)), spawnWorker('worker-b', workerEnv(prefix))]);
    workers.push(a, b);
    const clock = fastClock(START, rate);
    await Promise.all([a.start(clock), b.start(clock)]);
    // The API process does not run jobs: it only schedules each analysis' first tick.
    const api = await apiApp(prefix, { now: clock.now, jobs: { clockRate: rate } });
    const ids = await Promise.all(['checkout', 'payments', 'catalog', 'search'].map((s) => create(api, s)));

    const verdicts: string[] = [];
    for (const id of ids) {
      const done = await decided(api, id, 30_000);
      expectEachTickOnce(done);
      verdicts.push(done.verdict);
    }
    expect(verdicts[0]).toBe('fail'); // checkout's canary errs 4× more
    expect(verdicts[3]).not.toBe('pass'); // search's canary sends nothing

    const ticks = (await (api.runner as BullmqRunner).analysisQueue.getCompleted()).filter((j) => j.name === 'analysis.tick');
    const byWorker = new Map<string, number>();
    for (const j of ticks) byWorker.set(j.processedBy ?? '?', (byWorker.get(j.processedBy ?? '?') ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(['worker-a', 'worker-b']);
    expect(new Set(ticks.map((j) => j.id)).size).toBe(ticks.length);
  }, 60_000);

  it('a worker SIGKILLed mid-run leaves the analysis to another process, which finishes it', async () => {
    const prefix = `kill-${randomUUID()}:`;
    const rate = 240; // one interval every 250 ms
    const first = await spawnWorker('worker-doomed', workerEnv(prefix));
    const spare = spawnWorker('worker-spare', workerEnv(prefix)); // loads meanwhile, starts after the kill
    workers.push(first);
    const clock = fastClock(START, rate);
    await first.start(clock);
    const api = await apiApp(prefix, { now: clock.now, jobs: { clockRate: rate } });
    const id = await create(api, 'search'); // no canary data: runs its full 20 intervals

    await waitFor('a few ticks by the first worker', async () => ((await api.store.get(id))!.lastTickEnd >= START + 4 * MIN ? true : undefined));
    await first.kill();
    const killedAt = (await api.store.get(id))!; // all measured by the first worker: the spare has not started
    expect(killedAt.verdict).toBe('running');
    expect(killedAt.lastTickEnd).toBeGreaterThanOrEqual(START + 4 * MIN);

    const second = await spare;
    workers.push(second);
    await second.start(clock);
    const done = await decided(api, id, 30_000);
    expect(done.verdict).toBe('inconclusive');
    expect(done.lastTickEnd).toBe(START + 20 * MIN);
    expectEachTickOnce(done);
    const ticks = (await (api.runner as BullmqRunner).analysisQueue.getCompleted()).filter((j) => j.name === 'analysis.tick');
    expect(ticks.map((j) => j.processedBy)).toContain('worker-spare');
  }, 60_000);
});
