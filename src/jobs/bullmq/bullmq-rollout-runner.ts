import type { Logger } from 'pino';
import type { Rollout } from '../../core/rollout/rollout.js';
import type { RolloutStore } from '../../core/rollout/rollout-store.js';
import { ROLLOUT_QUEUE } from '../catalog.js';
import type { RolloutRunner, RolloutWorkable } from '../rollout-runner.js';
import { MAX_STALLED_COUNT } from './analysis-jobs.js';
import { checkEvictionPolicy, type BullmqConnections } from './connections.js';
import { catalogProcessor } from './job-processor.js';
import { JobQueues } from './job-queues.js';
import { QueueWorker, within } from './queue-worker.js';
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
  private readonly queues: JobQueues;
  private readonly jobs: RolloutJobs;
  private readonly worker: QueueWorker;

  constructor(private readonly opts: BullmqRolloutRunnerOptions) {
    this.queues = new JobQueues({ connection: opts.connections.queue, prefix: opts.prefix });
    const { store, service, logger, now, clockRate, pollMs, busyRetryMs } = opts;
    this.jobs = new RolloutJobs({ store, service, logger, now, pollMs, queues: this.queues, ...(clockRate ? { clockRate } : {}), ...(busyRetryMs ? { busyRetryMs } : {}) });
    this.worker = new QueueWorker({
      queue: ROLLOUT_QUEUE,
      prefix: opts.prefix,
      connection: opts.connections.worker,
      processor: catalogProcessor(this.jobs.handlers(), logger),
      logger,
      concurrency: opts.concurrency ?? 4,
      lockDurationMs: opts.lockDurationMs ?? 30_000,
      stalledIntervalMs: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: MAX_STALLED_COUNT,
      ...(opts.workerName ? { workerName: opts.workerName } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.worker.started) return;
    const { logger } = this.opts;
    const concurrency = this.worker.start();
    await checkEvictionPolicy(this.opts.connections.queue, logger);
    try {
      await this.queues.repeat('rollout.reconcile', {}, RECONCILER_ID, this.opts.reconcileEveryMs ?? 60_000);
      await this.jobs.reconcile();
    } catch (err) {
      logger.warn({ err }, 'cannot reconcile rollout jobs at start; the reconcile schedule will retry');
    }
    logger.info({ queue: ROLLOUT_QUEUE, prefix: this.opts.prefix, concurrency }, 'BullMQ rollout worker started');
  }

  /** Bounded as QueueWorker.stop: `timeoutMs` for work in flight, then ~2 s more at worst. */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.worker.stop(timeoutMs);
    await within(this.queues.close(), 500);
    await this.opts.connections.close(500);
  }

  /** Schedules the new state at once, unless this process is working the rollout (the job schedules its own outcome). */
  rolloutChanged(before: Rollout | null, after: Rollout): void {
    if (before !== null && this.jobs.isWorking(after.id)) return;
    this.jobs.schedule(after).catch((err: unknown) => this.opts.logger.warn({ err, rolloutId: after.id }, 'cannot schedule rollout work; reconciliation will'));
  }

  /**
   * Reconciles, promotes every delayed work job whose due time by the runner's clock has passed, and
   * processes the waiting jobs here, one by one, until none is left: each due rollout is worked once.
   */
  async poll(): Promise<void> {
    await this.jobs.reconcile();
    await this.queues.promoteDue('rollout.work', this.opts.now());
    await this.worker.drain();
  }

  /** For tests and operators: the BullMQ queue the rollout jobs live on. */
  get rolloutQueue() {
    return this.queues.queue(ROLLOUT_QUEUE);
  }
}
