import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAnalysisStore } from '../../src/adapters/store/memory-store.js';
import type { AnalysisStore } from '../../src/core/analysis/analysis-store.js';
import type { Analysis } from '../../src/core/analysis/model.js';
import { AnalysisImmutableFieldError, StoreUnavailableError } from '../../src/errors/store-errors.js';
import { tickJobId } from '../../src/jobs/bullmq/analysis-jobs.js';
import { openBullmqConnections } from '../../src/jobs/bullmq/connections.js';
import { JobQueues } from '../../src/jobs/bullmq/job-queues.js';
import { BullmqRunner, type BullmqRunnerOptions } from '../../src/jobs/bullmq-runner.js';
import { InvalidJobPayloadError } from '../../src/jobs/catalog.js';
import { makeAnalysis } from '../adapters/store/analysis-fixture.js';
import { manualClock } from '../harness/clock.js';
import { startRedis, type TestRedis } from '../harness/redis.js';
import { FakeTicker, waitFor } from './helpers.js';

const MIN = 60_000;
const T = 1_700_000_000_000;
const quiet = pino({ level: 'silent' });
let redis: TestRedis;
const runners: BullmqRunner[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop(1_000)));
});
afterAll(async () => {
  clients.forEach((c) => c.disconnect());
  await redis?.stop();
});

interface Setup {
  store: AnalysisStore;
  ticker: FakeTicker;
  clock: ReturnType<typeof manualClock>;
  prefix: string;
  runner: (extra?: Partial<BullmqRunnerOptions>) => BullmqRunner;
}

/** A store, a fake ticker, a manual clock at T and a fresh prefix; `runner()` builds one more "process" on them. */
function setup(): Setup {
  const store = createMemoryAnalysisStore();
  const ticker = new FakeTicker(store);
  const clock = manualClock(T);
  const prefix = `jobs-${randomUUID()}:`;
  const runner = (extra: Partial<BullmqRunnerOptions> = {}) => {
    const r = new BullmqRunner({
      connections: openBullmqConnections(redis.url, quiet),
      redisPrefix: prefix,
      store,
      service: ticker,
      logger: quiet,
      now: clock.now,
      busyRetryMs: 50,
      ...extra,
    });
    runners.push(r);
    return r;
  };
  return { store, ticker, clock, prefix, runner };
}

async function running(store: AnalysisStore, overrides: Partial<Analysis> = {}): Promise<Analysis> {
  return (await store.create(makeAnalysis({ createdAt: T, ...overrides }))).analysis;
}

describe('BullMQ runner: scheduling', () => {
  it('keeps one tick job per analysis and interval, however often and by however many processes it is scheduled', async () => {
    const { store, runner } = setup();
    const a = await running(store);
    const [one, two] = [runner(), runner()];
    await Promise.all([one.analysisCreated(a), two.analysisCreated(a), one.analysisCreated(a), two.analysisCreated(a)]);
    await one.poll(); // reconciliation schedules it again; the clock says nothing is due yet

    const jobs = await one.analysisQueue.getJobs(['delayed', 'waiting', 'active', 'completed']);
    expect(jobs.map((j) => j.id)).toEqual([tickJobId(a.id, T + MIN)]);
    expect(jobs[0]!.data).toEqual({ analysisId: a.id, dueAt: T + MIN });
    expect(jobs[0]!.opts.delay).toBeGreaterThan(MIN - 5_000);
  });

  it('runs a due tick through BullMQ on poll() and schedules the next interval', async () => {
    const { store, ticker, clock, runner } = setup();
    const a = await running(store);
    const r = runner();
    await r.analysisCreated(a);
    clock.set(T + MIN);
    await r.poll();

    expect(ticker.calls).toEqual([a.id]);
    expect((await store.get(a.id))!.lastTickEnd).toBe(T + MIN);
    expect((await r.analysisQueue.getCompleted()).map((j) => j.id)).toEqual([tickJobId(a.id, T + MIN)]);
    expect((await r.analysisQueue.getDelayed()).map((j) => j.id)).toEqual([tickJobId(a.id, T + 2 * MIN)]);
  });

  it('stops scheduling once the analysis is decided', async () => {
    const { store, ticker, clock, runner } = setup();
    const a = await running(store);
    ticker.plan(a.id, async (id) => {
      const current = (await store.get(id))!;
      return store.update({ ...current, verdict: 'pass', lastTickEnd: T + MIN }, current.revision);
    });
    const r = runner();
    await r.analysisCreated(a);
    clock.set(T + MIN);
    await r.poll();
    expect(await r.analysisQueue.getDelayed()).toEqual([]);
    expect(await r.analysisQueue.getWaitingCount()).toBe(0);
  });

  it('does not schedule retrospective analyses on creation (create replays them)', async () => {
    const { store, runner } = setup();
    const a = await running(store, { mode: 'retrospective' });
    const r = runner();
    await r.analysisCreated(a);
    expect(await r.analysisQueue.getJobCounts()).toMatchObject({ delayed: 0, waiting: 0 });
  });
});

describe('BullMQ runner: failures', () => {
  it('fails a job whose payload is bad at once, without retries, and refuses to enqueue one', async () => {
    const { ticker, clock, prefix, runner } = setup();
    clock.set(T + MIN);
    const r = runner();
    await r.start();
    // Written by hand (or by another version), bypassing the catalog.
    const bad = await r.analysisQueue.add('analysis.tick', { analysisId: 42 }, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    const unknown = await r.analysisQueue.add('analysis.nope', {}, { attempts: 5 });
    for (const job of [bad, unknown]) {
      await waitFor(`job ${job.name} to fail`, async () => (await job.getState()) === 'failed');
      const failed = (await r.analysisQueue.getJob(job.id!))!;
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/JOB_PAYLOAD_INVALID/);
    }
    expect((await r.analysisQueue.getJob(bad.id!))!.failedReason).toMatch(/analysisId: Expected string/);
    expect(ticker.calls).toEqual([]);

    const client = new Redis(redis.url);
    clients.push(client);
    const queues = new JobQueues({ connection: client, prefix: prefix.slice(0, -1) });
    await expect(queues.enqueue('analysis.tick', { analysisId: '', dueAt: -1 })).rejects.toBeInstanceOf(InvalidJobPayloadError);
    await expect(queues.enqueue('analysis.tick', { analysisId: 'x', dueAt: 1, extra: true } as never)).rejects.toThrow(/Unrecognized key/);
    const ticks = (await r.analysisQueue.getJobs(['waiting', 'delayed', 'failed'])).filter((j) => j.name !== 'analysis.reconcile');
    expect(ticks.map((j) => j.id).sort()).toEqual([bad.id, unknown.id].sort());
    await queues.close();
  });

  it('retries a retryable failure with backoff, and fails a permanent one at once', async () => {
    const { store, ticker, clock, runner } = setup();
    clock.set(T + MIN);
    const flaky = await running(store);
    const broken = await running(store);
    ticker.plan(flaky.id, async () => {
      throw new StoreUnavailableError('get', 'connection reset');
    });
    ticker.plan(broken.id, async () => {
      throw new AnalysisImmutableFieldError(broken.id, 'key');
    });
    const r = runner();
    await r.start(); // reconciliation at start schedules both
    const flakyJob = tickJobId(flaky.id, T + MIN);
    await waitFor('the flaky tick to complete', async () => (await (await r.analysisQueue.getJob(flakyJob))?.getState()) === 'completed');
    expect((await r.analysisQueue.getJob(flakyJob))!.attemptsMade).toBe(2); // one failure, then the success
    expect((await store.get(flaky.id))!.lastTickEnd).toBe(T + MIN);

    const brokenJob = tickJobId(broken.id, T + MIN);
    await waitFor('the broken tick to fail', async () => (await (await r.analysisQueue.getJob(brokenJob))?.getState()) === 'failed');
    const failed = (await r.analysisQueue.getJob(brokenJob))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.opts.attempts).toBe(8);
    expect(failed.failedReason).toMatch(/^ANALYSIS_IMMUTABLE_FIELD: /);
  });

  it('leaves an unrecoverable tick failed at reconciliation, and says the analysis is stuck', async () => {
    const { store, ticker, clock, runner } = setup();
    clock.set(T + MIN);
    const broken = await running(store);
    ticker.plan(broken.id, async () => {
      throw new AnalysisImmutableFieldError(broken.id, 'key');
    });
    const warnings: Array<{ msg: string; analysisId?: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const r = runner({ logger });
    await r.poll(); // schedules and runs it: it fails
    await r.poll(); // reconciles again
    const job = (await r.analysisQueue.getJob(tickJobId(broken.id, T + MIN)))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(ticker.calls).toEqual([broken.id]);
    expect(warnings).toContainEqual(expect.objectContaining({ msg: 'analysis stuck: its tick failed permanently', analysisId: broken.id }));
  });

  it('waits without using an attempt while another process holds the tick lease', async () => {
    const { store, ticker, clock, runner } = setup();
    clock.set(T + MIN);
    const a = await running(store);
    ticker.plan(a.id, async () => null); // lease held elsewhere
    const r = runner();
    await r.analysisCreated(a);
    await r.start();
    const id = tickJobId(a.id, T + MIN);
    await waitFor('the tick to complete', async () => (await (await r.analysisQueue.getJob(id))?.getState()) === 'completed');
    expect(ticker.calls).toEqual([a.id, a.id]);
    expect((await r.analysisQueue.getJob(id))!.attemptsMade).toBe(1); // the run that waited used no attempt
  });

  it('waits under the same job id when it ran before the interval was due (clock skew)', async () => {
    const { store, ticker, clock, runner } = setup();
    const a = await running(store);
    ticker.plan(a.id, async (id) => store.get(id)); // nothing was due: the analysis comes back unchanged
    const r = runner({ clockRate: 1 });
    await r.analysisCreated(a);
    const id = tickJobId(a.id, T + MIN);
    await (await r.analysisQueue.getJob(id))!.promote(); // as if this host's clock ran ahead
    clock.set(T + MIN - 200); // 200 ms early by the service's clock
    await r.start();
    await waitFor('the tick to complete', async () => (await (await r.analysisQueue.getJob(id))?.getState()) === 'completed');
    expect(ticker.calls).toEqual([a.id, a.id]);
    expect((await store.get(a.id))!.lastTickEnd).toBe(T + MIN);
  });
});

describe('BullMQ runner: reconciliation and shutdown', () => {
  it('at start, adds the tick job an analysis lacks and revives one whose retries ran out', async () => {
    const { store, ticker, clock, runner } = setup();
    clock.set(T + MIN);
    const failed = await running(store);
    ticker.plan(failed.id, async () => {
      throw new StoreUnavailableError('update', 'Redis did not answer');
    });
    const first = runner();
    // A single attempt, so that one transient failure uses them all (the catalog's 8 take minutes).
    const data = { analysisId: failed.id, dueAt: T + MIN };
    await first.analysisQueue.add('analysis.tick', data, { jobId: tickJobId(failed.id, T + MIN), attempts: 1 });
    await first.poll();
    expect(await (await first.analysisQueue.getJob(tickJobId(failed.id, T + MIN)))!.getState()).toBe('failed');
    await first.stop(1_000);
    const orphan = await running(store); // created while no runner heard of it: its first schedule was lost

    const second = runner();
    await second.start();
    await waitFor('both analyses to be ticked', async () => {
      const [o, f] = await Promise.all([store.get(orphan.id), store.get(failed.id)]);
      return o!.lastTickEnd === T + MIN && f!.lastTickEnd === T + MIN;
    });
  });

  it('keeps one reconcile schedule for all processes, which heals a lost schedule without a restart', async () => {
    const { store, clock, runner } = setup();
    clock.set(T + MIN);
    const [one, two] = [runner({ reconcileEveryMs: 300 }), runner({ reconcileEveryMs: 300 })];
    await Promise.all([one.start(), two.start()]);
    const schedulers = await one.analysisQueue.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'analysis-reconcile', every: 300, name: 'analysis.reconcile' })]);

    const lost = await running(store); // created behind the runners' backs: no first tick was scheduled
    await waitFor('the reconcile job to schedule and run its tick', async () => (await store.get(lost.id))!.lastTickEnd === T + MIN);
  });

  it('stop() is bounded while a tick hangs, and another process takes the job over', async () => {
    const { store, ticker, clock, runner } = setup();
    clock.set(T + MIN);
    const a = await running(store);
    let hung = false;
    ticker.plan(a.id, () => {
      hung = true;
      return new Promise<never>(() => {});
    });
    // Every worker of a queue should share one stalled-check interval: the check is throttled queue-wide.
    const first = runner({ lockDurationMs: 600, stalledIntervalMs: 200 });
    await first.analysisCreated(a);
    await first.start();
    await waitFor('the tick to hang', () => hung);

    const t0 = performance.now();
    await first.stop(300);
    expect(performance.now() - t0).toBeLessThan(2_000);

    const second = runner({ lockDurationMs: 600, stalledIntervalMs: 200 });
    await second.start();
    await waitFor('another process to tick it', async () => (await store.get(a.id))!.lastTickEnd === T + MIN, 10_000);
    expect(ticker.calls).toEqual([a.id, a.id]);
    // The job completes just after the tick's write: wait for it (it raced on a loaded machine).
    await waitFor('the job to complete', async () => (await (await second.analysisQueue.getJob(tickJobId(a.id, T + MIN)))!.getState()) === 'completed', 5_000);
    const job = (await second.analysisQueue.getJob(tickJobId(a.id, T + MIN)))!;
    expect(job.attemptsMade).toBe(2); // the cancelled run, then the one that finished
  });
});
