import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRolloutStore } from '../../src/adapters/store/rollout-redis-store.js';
import { newRollout } from '../../src/core/rollout/new-rollout.js';
import type { Rollout } from '../../src/core/rollout/rollout.js';
import type { RolloutStore } from '../../src/core/rollout/rollout-store.js';
import { RolloutImmutableFieldError } from '../../src/errors/rollout-errors.js';
import { StoreUnavailableError } from '../../src/errors/store-errors.js';
import { BullmqRolloutRunner, type BullmqRolloutRunnerOptions } from '../../src/jobs/bullmq/bullmq-rollout-runner.js';
import { openBullmqConnections } from '../../src/jobs/bullmq/connections.js';
import { workJobId } from '../../src/jobs/bullmq/rollout-jobs.js';
import type { RolloutWorkable } from '../../src/jobs/rollout-runner.js';
import type { RolloutService } from '../../src/rollout/rollout-service.js';
import { fleet } from '../fixtures/rollout.js';
import { manualClock } from '../harness/clock.js';
import { startRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from './helpers.js';
import { bakePlan, FakeWorld, rolloutService } from './rollout-world.js';

const MIN = 60_000;
const quiet = pino({ level: process.env.WG_TEST_LOG ?? 'silent' });
let redis: TestRedis;
let client: Redis;
const runners: BullmqRolloutRunner[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop(1_000)));
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** One wavegate process: its own RolloutService (lease owner) and runner, wired as build-rollouts wires them. */
interface Proc {
  service: RolloutService;
  runner: BullmqRolloutRunner;
}

interface Setup {
  store: RolloutStore;
  world: FakeWorld;
  now: () => number;
  /** Another process over the same store, world and queue. `work` wraps the service's (to make it fail). */
  proc(extra?: Partial<BullmqRolloutRunnerOptions> & { leaseTtlMs?: number; work?: (id: string, real: RolloutWorkable) => Promise<Rollout | null> }): Proc;
}

function setup(now: () => number = Date.now): Setup {
  const prefix = `rj-${randomUUID()}`;
  const store = createRedisRolloutStore({ redis: client, prefix: `${prefix}:` });
  const world = new FakeWorld();
  const proc: Setup['proc'] = ({ leaseTtlMs, work, ...extra } = {}) => {
    const wired: { runner: BullmqRolloutRunner | null } = { runner: null };
    const service = rolloutService({ store, world, now, logger: quiet, ...(leaseTtlMs ? { leaseTtlMs } : {}), onChange: (b, a) => wired.runner?.rolloutChanged(b, a) });
    const workable: RolloutWorkable = work ? { work: (id) => work(id, service), nextWakeAt: (r) => service.nextWakeAt(r) } : service;
    const runner = new BullmqRolloutRunner({ connections: openBullmqConnections(redis.url, quiet), prefix, store, service: workable, logger: quiet, now, pollMs: 20, busyRetryMs: 20, ...extra });
    wired.runner = runner;
    runners.push(runner);
    return { service, runner };
  };
  return { store, world, now, proc };
}

/** Work jobs not yet run (the reconcile scheduler's next job aside). */
async function pendingWork(runner: BullmqRolloutRunner): Promise<string[]> {
  const jobs = await runner.rolloutQueue.getJobs(['delayed', 'waiting', 'prioritized', 'active']);
  return jobs.filter((j) => j.name === 'rollout.work').map((j) => j.id!);
}

const finished = (store: RolloutStore, id: string, timeoutMs = 15_000) =>
  waitFor(`rollout ${id} to finish`, async () => {
    const r = await store.get(id);
    return r && r.status !== 'running' ? r : undefined;
  }, timeoutMs);

/** Every batch committed once, in order, by exactly one worker: the revision history has no duplicate. */
function expectEachCommitOnce(r: Rollout, world: FakeWorld): void {
  expect(r.status).toBe('succeeded');
  expect(r.commits.map((c) => `${c.wave}:${c.clusters.join('+')}`)).toEqual(['eu-canary:eu-west-1a', 'eu-canary:eu-west-1b', 'aws:us-east-1a', 'aws:us-east-1b', 'rest:ap-south-1a+ap-south-1b']);
  expect(r.commits.every((c) => c.created)).toBe(true); // no worker replayed a commit another had made
  expect(world.commits.filter((c) => c.app === r.app)).toHaveLength(5);
  expect(r.events.filter((e) => e.kind === 'promoted')).toHaveLength(5);
  expect(world.maxInFlight.get(r.app)).toBe(1);
}

describe('rollout work on BullMQ: scheduling', () => {
  it('works a submitted rollout at once, through one job per state, to the end', async () => {
    const { store, world, proc } = setup();
    const { service, runner } = proc({ reconcileEveryMs: 60_000 });
    await runner.start();
    const t0 = performance.now();
    const r = await service.submit(bakePlan('payments'), 'alice');
    await waitFor('the first commit', () => world.commits.length > 0, 5_000);
    const pickedUpMs = performance.now() - t0;
    expect(pickedUpMs).toBeLessThan(3_000); // reconciliation runs every 60 s: this is the submit's own job

    const done = await finished(store, r.id);
    expectEachCommitOnce(done, world);
    const jobs = await runner.rolloutQueue.getJobs(['completed', 'delayed', 'waiting', 'active', 'failed']);
    const work = jobs.filter((j) => j.name === 'rollout.work');
    expect(work.map((j) => j.id)).toContain(workJobId(r.id, 0));
    expect(work.every((j) => j.id === workJobId(r.id, (j.data as { revision: number }).revision))).toBe(true);
    // A finished rollout leaves no job behind (the last one completes just after its final write).
    await waitFor('the last job to complete', async () => (await pendingWork(runner)).length === 0, 5_000);
  });

  it('keeps one job per rollout state, however often and by however many processes it is scheduled', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { store, proc } = setup(clock.now);
    const [one, two] = [proc({ pollMs: 60_000 }), proc({ pollMs: 60_000 })];
    const r = await store.create(newRollout({ id: randomUUID(), plan: bakePlan('payments'), fleet: fleet(), now: clock.now() }));
    for (let i = 0; i < 3; i++) {
      one.runner.rolloutChanged(null, r);
      two.runner.rolloutChanged(null, r);
    }
    await waitFor('the job', async () => (await one.runner.rolloutQueue.getWaitingCount()) > 0);
    await new Promise((res) => setTimeout(res, 100)); // let the other adds land
    await two.runner.poll(); // reconciliation schedules it too; the clock says it is due: it is worked
    const first = (await one.runner.rolloutQueue.getJobs(['completed'])).map((j) => j.id);
    expect(first).toEqual([workJobId(r.id, 0)]);
    expect((await one.runner.rolloutQueue.getJob(workJobId(r.id, 0)))!.data).toEqual({ rolloutId: r.id, revision: 0, dueAt: clock.now() });
    const after = (await store.get(r.id))!;
    expect(await pendingWork(one.runner)).toEqual([workJobId(r.id, after.revision)]); // converging: the next state's one job
  });

  it('on poll(), works what is due by the injected clock, and a bake only once the clock says it is over', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { store, world, proc } = setup(clock.now);
    const { service, runner } = proc({ pollMs: 60_000 }); // real delays never run out here: only the clock moves work
    const r = await service.submit(bakePlan('payments', { bakeMs: 5 * MIN }), 'alice');
    world.convergeAfter = 0;
    await runner.poll(); // snapshot, first commit, convergence: then a 5-minute bake
    let now = (await store.get(r.id))!;
    expect(now.stage).toMatchObject({ kind: 'bake', until: clock.now() + 5 * MIN });
    const delayed = await runner.rolloutQueue.getDelayed();
    expect(delayed.map((j) => [j.id, j.data.dueAt])).toEqual([[workJobId(r.id, now.revision), clock.now() + 5 * MIN]]);
    expect(delayed[0]!.opts.delay).toBeGreaterThan(5 * MIN - 5_000); // real time, as the clock runs in production

    clock.advance(4 * MIN);
    await runner.poll();
    expect((await store.get(r.id))!.revision).toBe(now.revision); // not yet
    clock.advance(MIN);
    await runner.poll(); // the bake is over: the step passes, and the next wave starts in the same poll
    now = (await store.get(r.id))!;
    expect(now.stage).toMatchObject({ kind: 'bake', wave: 1 });
    expect(now.commits).toHaveLength(4);
  });

  it('enqueues work when a command changes the rollout: approve moves it on at once, pause leaves no job', async () => {
    const { store, world, proc } = setup();
    const { service, runner } = proc({ reconcileEveryMs: 60_000, pollMs: 20 });
    await runner.start();
    const r = await service.submit(bakePlan('payments', { approveWave: 1 }), 'alice');
    const waiting = await waitFor('the approval stage', async () => {
      const x = await store.get(r.id);
      return x?.stage.kind === 'approval' ? x : undefined;
    });
    await waitFor('its jobs to finish', async () => (await pendingWork(runner)).length === 0); // nothing to do until someone approves
    expect(await runner.rolloutQueue.getJob(workJobId(r.id, waiting.revision))).toBeUndefined();
    expect(world.commits).toHaveLength(2);

    const t0 = performance.now();
    const approved = await service.command(r.id, { kind: 'approve', by: 'bob', why: 'looks good' });
    await waitFor('the aws wave to be committed', () => world.commits.length > 2, 5_000);
    expect(performance.now() - t0).toBeLessThan(3_000); // reconciliation runs every 60 s: this is the command's own job
    expect(await runner.rolloutQueue.getJob(workJobId(r.id, approved.revision))).toBeDefined();

    const paused = await service.command(r.id, { kind: 'pause', by: 'bob', why: 'freeze' });
    await new Promise((res) => setTimeout(res, 200));
    expect((await store.get(r.id))!.status).toBe('paused');
    expect(await runner.rolloutQueue.getJob(workJobId(r.id, paused.revision))).toBeUndefined();
    const resumed = await service.command(r.id, { kind: 'resume', by: 'bob', why: 'thaw' });
    expect(resumed.revision).toBe(paused.revision + 1);
    const done = await finished(store, r.id);
    expect(done.status).toBe('succeeded');
    expect(done.events.filter((e) => e.by === 'bob').map((e) => e.kind)).toEqual(['approve', 'paused', 'resume']);
  });
  it('works a command that lands while the rollout is worked at once, not after the wait the work ended on', async () => {
    const { store, proc } = setup();
    let aborted = false;
    const p: { service?: RolloutService } = {};
    // Right after the work that starts a 10-minute bake, someone aborts in this very process (whose
    // onChange then belongs to the work in progress and schedules nothing).
    const { service, runner } = proc({
      reconcileEveryMs: 60_000,
      work: async (id, real) => {
        const r = await real.work(id);
        if (r?.stage.kind === 'bake' && !aborted) {
          aborted = true;
          await p.service!.command(id, { kind: 'abort', by: 'carol', why: 'wrong build' });
        }
        return r;
      },
    });
    p.service = service;
    await runner.start();
    const r = await service.submit(bakePlan('payments', { bakeMs: 10 * MIN }), 'alice');
    const done = await finished(store, r.id, 5_000);
    expect(done.status).toBe('aborted');
    expect(done.commits.map((c) => c.action)).toEqual(['promote', 'promote', 'rollback']);
  });
});

describe('rollout work on BullMQ: several processes', () => {
  it('two runners never work one rollout at the same time, even fed duplicate jobs', async () => {
    const { store, world, proc } = setup();
    let refused = 0; // work() calls that found the lease taken: the overlaps the lease prevented
    const work = async (id: string, real: RolloutWorkable) => (await real.work(id)) ?? (refused++, null);
    const [a, b] = [proc({ concurrency: 4, workerName: 'a', work }), proc({ concurrency: 4, workerName: 'b', work })];
    await Promise.all([a.runner.start(), b.runner.start()]);
    const ids = await Promise.all(['payments', 'orders', 'search'].map(async (app, i) => (await (i % 2 ? b : a).service.submit(bakePlan(app), 'alice')).id));
    // A stream of extra jobs for each rollout's current state, under ids of their own (as a lapsed job
    // lock or an operator would add): the store's lease must keep their work apart.
    let feeding = true;
    const feed = (async () => {
      for (let n = 0; feeding; n++) {
        for (const id of ids) {
          const r = await store.get(id);
          if (r?.status === 'running') await a.runner.rolloutQueue.add('rollout.work', { rolloutId: id, revision: r.revision, dueAt: 0 }, { jobId: `dup-${n}-${id}` });
        }
        await new Promise((res) => setTimeout(res, 15));
      }
    })();
    const done = await Promise.all(ids.map((id) => finished(store, id, 30_000)));
    feeding = false;
    await feed;
    for (const r of done) expectEachCommitOnce(r, world);
    expect(refused).toBeGreaterThan(0);
    const ran = (await a.runner.rolloutQueue.getCompleted()).filter((j) => j.name === 'rollout.work');
    expect(new Set(ran.map((j) => j.processedBy?.replace(/:.*/, '')))).toEqual(new Set(['a', 'b'])); // both took part
  }, 60_000);

  it('reconciliation adds the job a rollout lacks, at start and on the shared schedule', async () => {
    const { store, world, proc } = setup();
    const orphan = await store.create(newRollout({ id: randomUUID(), plan: bakePlan('payments'), fleet: fleet(), now: Date.now() })); // no process heard of it
    const [one, two] = [proc({ reconcileEveryMs: 300 }), proc({ reconcileEveryMs: 300 })];
    await Promise.all([one.runner.start(), two.runner.start()]);
    expect(await one.runner.rolloutQueue.getJobSchedulers()).toEqual([expect.objectContaining({ key: 'rollout-reconcile', every: 300, name: 'rollout.reconcile' })]);
    expectEachCommitOnce(await finished(store, orphan.id), world);

    // A job lost mid-way (Redis restored from an old snapshot, a hand-deleted key): the schedule heals it.
    world.convergeAfter = 1_000_000; // it waits on convergence, looking every 20 ms
    const lost = await one.service.submit(bakePlan('orders'), 'alice');
    await waitFor('orders to converge', async () => (await store.get(lost.id))?.stage.kind === 'converge');
    const queue = one.runner.rolloutQueue;
    await queue.pause(); // no worker takes a job while we delete the pending one
    await waitFor('no work in flight', async () => (await queue.getActiveCount()) === 0);
    for (const job of await queue.getJobs(['delayed', 'waiting', 'prioritized'])) if (job.name === 'rollout.work') await job.remove();
    expect(await pendingWork(one.runner)).toEqual([]);
    const stalled = (await store.get(lost.id))!;
    world.convergeAfter = 0;
    await one.runner.rolloutQueue.resume();
    await waitFor('the reconcile job to re-add its work', async () => (await one.runner.rolloutQueue.getJob(workJobId(lost.id, stalled.revision))) !== undefined, 5_000);
    expectEachCommitOnce(await finished(store, lost.id), world);
  }, 30_000);
});

describe('rollout work on BullMQ: failures and shutdown', () => {
  it('waits without using an attempt while the lease is busy, retries a transient failure, and fails a permanent one at once', async () => {
    const { store, proc } = setup();
    const plans = new Map<string, Array<() => Promise<Rollout | null>>>();
    const { service, runner } = proc({ work: (id, real) => plans.get(id)?.shift()?.() ?? real.work(id) });
    const [busy, flaky, broken] = await Promise.all(['busy', 'flaky', 'broken'].map((app) => service.submit(bakePlan(app), 'alice')));
    plans.set(busy!.id, [async () => null, async () => null]);
    plans.set(flaky!.id, [
      async () => {
        throw new StoreUnavailableError('update', 'connection reset');
      },
    ]);
    plans.set(broken!.id, [
      async () => {
        throw new RolloutImmutableFieldError(broken!.id, 'app');
      },
    ]);
    await runner.start();
    for (const r of [busy!, flaky!]) expect((await finished(store, r.id)).status).toBe('succeeded');
    expect((await runner.rolloutQueue.getJob(workJobId(busy!.id, 0)))!.attemptsMade).toBe(1); // two waits, one attempt
    expect((await runner.rolloutQueue.getJob(workJobId(flaky!.id, 0)))!.attemptsMade).toBe(2); // one failure, then the work

    const failed = (await runner.rolloutQueue.getJob(workJobId(broken!.id, 0)))!;
    await waitFor('the broken job to fail', async () => (await failed.getState()) === 'failed');
    const job = (await runner.rolloutQueue.getJob(workJobId(broken!.id, 0)))!;
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^ROLLOUT_IMMUTABLE_FIELD: /);
    expect((await store.get(broken!.id))!.revision).toBe(0); // stuck, and reported by reconciliation, not retried
  }, 30_000);

  it('stop() is bounded while work hangs, and another process takes the rollout over once the lease lapses', async () => {
    const { store, world, proc } = setup();
    let hung = 0;
    world.onApply = () => (++hung === 1 ? new Promise<never>(() => {}) : Promise.resolve());
    const first = proc({ leaseTtlMs: 1_000, lockDurationMs: 600, stalledIntervalMs: 200 });
    await first.runner.start();
    const r = await first.service.submit(bakePlan('payments'), 'alice');
    await waitFor('the commit to hang', () => hung === 1);

    const t0 = performance.now();
    await first.runner.stop(300);
    const stopMs = performance.now() - t0;
    expect(stopMs).toBeLessThan(2_000);

    const second = proc({ leaseTtlMs: 1_000, lockDurationMs: 600, stalledIntervalMs: 200 });
    await second.runner.start();
    const done = await finished(store, r.id);
    expect(done.status).toBe('succeeded');
    expect(done.commits.map((c) => c.created)).toEqual([true, true, true, true, true]);
    expect(hung).toBe(6); // the hung apply, then each of the 5 batches once
  }, 30_000);
});
