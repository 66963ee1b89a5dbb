import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BullmqRolloutRunner } from '../../src/jobs/bullmq/bullmq-rollout-runner.js';
import { workJobId } from '../../src/jobs/bullmq/rollout-jobs.js';
import { CLUSTERS, MIN, rolloutPlan, runToEnd, START, startRolloutFleet, valuesPath, type RolloutFleet } from '../fixtures/rollout-e2e.js';
import { buildTestApp } from '../harness/app.js';
import { manualClock } from '../harness/clock.js';
import { startRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from './helpers.js';

/**
 * The end-to-end rollout of test/e2e/rollout.test.ts with REDIS_URL set: the same real Git remote,
 * Kubernetes API and Prometheus, and the same manual-clock loop, but every piece of rollout work runs
 * as a BullMQ job (and every analysis tick too), processed by `poll()` on the injected clock.
 */
let fleet: RolloutFleet;
let redis: TestRedis;

beforeAll(async () => {
  [fleet, redis] = await Promise.all([startRolloutFleet(), startRedis()]);
}, 90_000);
afterAll(async () => {
  await fleet?.close();
  await redis?.stop();
});

async function redisApp(clock: ReturnType<typeof manualClock>): Promise<App> {
  return buildTestApp({ ...(await fleet.env()), REDIS_URL: redis.url, REDIS_PREFIX: `e2e-${randomUUID()}:` }, { now: clock.now });
}

const submit = (app: App, body: unknown) => app.api.inject({ method: 'POST', url: '/api/v1/rollouts', payload: body as object, headers: { 'x-wavegate-user': 'alice' } });

/** The work jobs BullMQ ran for rollout `id`, oldest first; each names the revision it moved on from. */
async function workJobs(app: App, id: string) {
  const runner = app.rollouts!.runner as BullmqRolloutRunner;
  const jobs = (await runner.rolloutQueue.getCompleted()).filter((j) => j.name === 'rollout.work' && j.data.rolloutId === id);
  return jobs.sort((a, b) => a.data.revision - b.data.revision);
}

describe('a rollout across six clusters on BullMQ (REDIS_URL set)', () => {
  it('promotes a healthy release wave by wave through BullMQ jobs, one commit per batch', async () => {
    const clock = manualClock(START + 5 * MIN);
    const app = await redisApp(clock);
    try {
      expect(app.rollouts!.runner).toBeInstanceOf(BullmqRolloutRunner);
      const res = await submit(app, rolloutPlan('payments', '1.4.2'));
      expect(res.statusCode).toBe(201);
      const id: string = res.json().id;
      // The API's submit and commands enqueue work themselves (no poll, no reconciliation yet).
      const queue = (app.rollouts!.runner as BullmqRolloutRunner).rolloutQueue;
      const jobOf = async () => queue.getJob(workJobId(id, (await app.rollouts!.store.get(id))!.revision));
      await waitFor('the submit to enqueue its work', async () => (await jobOf()) !== undefined, 5_000);
      expect((await app.api.inject({ method: 'POST', url: `/api/v1/rollouts/${id}/pause`, payload: { by: 'bob', why: 'hold on' } })).json().status).toBe('paused');
      await new Promise((res) => setTimeout(res, 100));
      expect(await jobOf()).toBeUndefined(); // paused: only a command moves it
      expect((await app.api.inject({ method: 'POST', url: `/api/v1/rollouts/${id}/resume`, payload: { by: 'bob', why: 'go' } })).statusCode).toBe(200);
      await waitFor('the resume to enqueue its work', async () => (await jobOf()) !== undefined, 5_000);

      const r = await runToEnd(app, clock, id);
      expect(r.status).toBe('succeeded');
      expect(r.analyses.map((a) => a.verdict)).toEqual(['pass', 'pass', 'pass']);
      for (const c of CLUSTERS) expect(await fleet.remote.readFile(valuesPath('payments', c))).toContain('tag: "1.4.2"');
      const log = (await fleet.remote.log(10)).filter((c) => c.subject.startsWith('wavegate:') && c.subject.includes('payments'));
      expect(log.map((c) => c.subject).reverse()).toEqual([
        'wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave aws (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave aws (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave rest (2 clusters)',
      ]);
      expect(r.commits.every((c) => c.created)).toBe(true);

      const jobs = await workJobs(app, r.id);
      expect(jobs[0]!.id).toBe(workJobId(r.id, 0)); // the submit's own job (superseded by the commands)
      expect(jobs.every((j) => j.id === workJobId(r.id, j.data.revision))).toBe(true);
      expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
      expect(jobs.length).toBeGreaterThan(10);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('rolls back a regressing release in one commit through BullMQ jobs', async () => {
    const clock = manualClock(START + 5 * MIN);
    const app = await redisApp(clock);
    try {
      const res = await submit(app, rolloutPlan('orders', '2.0.0'));
      const r = await runToEnd(app, clock, res.json().id);
      expect(r.status).toBe('rolledBack');
      expect(r.analyses[0]!.verdict).toBe('fail');
      const ours = (await fleet.remote.log(20)).filter((c) => c.trailers.some(([k, v]) => k === 'Wavegate-Rollout' && v === r.id));
      expect(ours.map((c) => c.subject)).toEqual([
        'wavegate: roll back orders 2.0.0 in 2 clusters (wave eu-canary)',
        'wavegate: promote orders 2.0.0 to wave eu-canary (1 cluster)',
        'wavegate: promote orders 2.0.0 to wave eu-canary (1 cluster)',
      ]);
      for (const c of CLUSTERS) expect(await fleet.remote.readFile(valuesPath('orders', c))).toContain('tag: "1.4.1"');
      expect((await workJobs(app, r.id)).length).toBeGreaterThan(5);
    } finally {
      await app.close();
    }
  }, 120_000);
});
