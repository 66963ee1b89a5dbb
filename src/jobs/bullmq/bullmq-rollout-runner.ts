import type { Logger } from 'pino';
import type { Rollout } from '../../core/rollout/rollout.js';
import type { RolloutStore } from '../../core/rollout/rollout-store.js';
import { ROLLOUT_QUEUE } from '../catalog.js';
import type { RolloutRunner, RolloutWorkable } from '../rollout-runner.js';
import { CatalogQueue, pick } from './catalog-queue.js';
import type { BullmqConnections } from './connections.js';
import { RolloutJobs } from './rollout-jobs.js';

export interface BullmqRolloutRunnerOptions {
  /** Opened for the runner alone; `stop()` closes them. */
  connections: BullmqConnections;
  /** BullMQ key prefix (bullmqPrefix(REDIS_PREFIX)); its keys become `<prefix>:wavegate-rollout:…`. */
  prefix: string;
  store: Pick<RolloutStore, 'get' | 'listActive'>;
  service: RolloutWorkable;
  logger: Logger;
  now: () => number;
  /** Real ms between looks while a rollout waits on the outside (ROLLOUT_POLL). */
  pollMs: number;
  /** Clock ms per real ms (1 in production); see RolloutJobsOptions. */
  clockRate?: number;
  /** Rollouts this process works at once. Default 4. */
  concurrency?: number;
  workerName?: string;
  /** BullMQ job lock; renewed while a job runs, so a long Git push is fine. Default 30 s. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Period of the shared reconciliation job (one job scheduler for all processes). Default 60 s. */
  reconcileEveryMs?: number;
  busyRetryMs?: number;
}

const RECONCILER_ID = 'rollout-reconcile';

/**
 * Works rollouts as BullMQ jobs on the `wavegate-rollout` queue, shared by every process that runs
 * one. One job per rollout state (see workJobId) is added on submit and on every command (through
 * RolloutService's onChange), after each piece of work that leaves the rollout active, and by
 * reconciliation (at start and on a shared job scheduler). BullMQ is at-least-once; the store's lease
 * and compare-and-set make a repeated job harmless.
 */
export class BullmqRolloutRunner implements RolloutRunner {
  private readonly runner: CatalogQueue<RolloutJobs>;

  constructor(private readonly opts: BullmqRolloutRunnerOptions) {
    const { store, service, logger, now, clockRate, pollMs, busyRetryMs } = opts;
    this.runner = new CatalogQueue({
      queue: ROLLOUT_QUEUE,
      prefix: opts.prefix,
      connections: opts.connections,
      jobs: (queues) => new RolloutJobs({ store, service, logger, now, pollMs, queues, ...(clockRate ? { clockRate } : {}), ...(busyRetryMs ? { busyRetryMs } : {}) }),
      reconcile: { job: 'rollout.reconcile', schedulerId: RECONCILER_ID, ...(opts.reconcileEveryMs ? { everyMs: opts.reconcileEveryMs } : {}) },
      dueJob: 'rollout.work',
      logger,
      now,
      ...pick(opts, ['concurrency', 'workerName', 'lockDurationMs', 'stalledIntervalMs']),
    });
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  /** Bounded as CatalogQueue.stop: `timeoutMs` for work in flight, then ~2.5 s more at worst. */
  stop(timeoutMs = 10_000): Promise<void> {
    return this.runner.stop(timeoutMs);
  }

  /** Schedules the new state at once, unless this process is working the rollout (the job schedules its own outcome). */
  rolloutChanged(before: Rollout | null, after: Rollout): void {
    if (before !== null && this.runner.jobs.isWorking(after.id)) return;
    this.runner.jobs.schedule(after).catch((err: unknown) => this.opts.logger.warn({ err, rolloutId: after.id }, 'cannot schedule rollout work; reconciliation will'));
  }

  /** Reconciles, promotes every work job due by the runner's clock, and works each due rollout once here. */
  poll(): Promise<void> {
    return this.runner.poll();
  }

  /** For tests and operators: the BullMQ queue the rollout jobs live on. */
  get rolloutQueue() {
    return this.runner.queue;
  }
}
