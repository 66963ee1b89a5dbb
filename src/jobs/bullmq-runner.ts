import type { Logger } from 'pino';
import type { AnalysisStore } from '../core/analysis/analysis-store.js';
import type { Analysis } from '../core/analysis/model.js';
import { AnalysisJobs } from './bullmq/analysis-jobs.js';
import { CatalogQueue, pick } from './bullmq/catalog-queue.js';
import type { BullmqConnections } from './bullmq/connections.js';
import { ANALYSIS_QUEUE } from './catalog.js';
import type { JobRunner } from './runner.js';
import type { Tickable } from './tick-scheduler.js';

export interface BullmqRunnerOptions {
  /** Opened for the runner alone; `stop()` closes them. */
  connections: BullmqConnections;
  /** Namespace of the store's keys (REDIS_PREFIX); BullMQ's keys become `<prefix without trailing ':'>:wavegate-analysis:…`. */
  redisPrefix: string;
  store: Pick<AnalysisStore, 'get' | 'listRunning'>;
  service: Tickable;
  logger: Logger;
  now: () => number;
  /** Clock ms per real ms (1 in production); see AnalysisJobsOptions. */
  clockRate?: number;
  /** Jobs one process runs at once; each tick is a handful of Prometheus queries. Default 4. */
  concurrency?: number;
  /** Shown as `processedBy` on the jobs this process ran (host + pid). */
  workerName?: string;
  /** BullMQ job lock: a worker that stops renewing it (it died) loses its job to another after this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs. Default 30 s. */
  stalledIntervalMs?: number;
  /** Period of the shared reconciliation job (one job scheduler for all processes). Default 60 s. */
  reconcileEveryMs?: number;
  busyRetryMs?: number;
  onTick?: (seconds: number) => void;
}

const RECONCILER_ID = 'analysis-reconcile';

/**
 * Ticks analyses as BullMQ jobs on the `wavegate-analysis` queue, shared by every process that runs
 * one. A tick job per analysis and interval (deterministic id, so duplicates collapse) is added when
 * the analysis is created, after each tick that leaves it running, and by reconciliation (at start
 * and on a shared job scheduler). BullMQ is at-least-once; the store's lease and compare-and-set make
 * a repeated tick harmless.
 */
export class BullmqRunner implements JobRunner {
  private readonly runner: CatalogQueue<AnalysisJobs>;

  constructor(private readonly opts: BullmqRunnerOptions) {
    const { store, service, logger, now, clockRate, busyRetryMs, onTick } = opts;
    this.runner = new CatalogQueue({
      queue: ANALYSIS_QUEUE,
      prefix: bullmqPrefix(opts.redisPrefix),
      connections: opts.connections,
      jobs: (queues) => new AnalysisJobs({ store, service, logger, now, clockRate, busyRetryMs, onTick, queues }),
      reconcile: { job: 'analysis.reconcile', schedulerId: RECONCILER_ID, ...(opts.reconcileEveryMs ? { everyMs: opts.reconcileEveryMs } : {}) },
      dueJob: 'analysis.tick',
      logger,
      now,
      ...pick(opts, ['concurrency', 'workerName', 'lockDurationMs', 'stalledIntervalMs']),
    });
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  /** Bounded: see CatalogQueue.stop (the tick itself runs on in the background, under its store lease). */
  stop(timeoutMs = 10_000): Promise<void> {
    return this.runner.stop(timeoutMs);
  }

  async analysisCreated(analysis: Analysis): Promise<void> {
    if (analysis.mode === 'retrospective') return; // replayed by create itself; a failed replay is found by reconciliation
    try {
      await this.runner.jobs.schedule(analysis);
    } catch (err) {
      this.opts.logger.warn({ err, analysisId: analysis.id }, 'cannot schedule the first tick; reconciliation will');
    }
  }

  /** Reconciles, promotes every tick due by the runner's clock, and processes them here. */
  poll(): Promise<void> {
    return this.runner.poll();
  }

  /** For tests and operators: the BullMQ queue the analysis jobs live on. */
  get analysisQueue() {
    return this.runner.queue;
  }
}

/** BullMQ joins prefix and queue with ':' itself. */
export function bullmqPrefix(redisPrefix: string): string {
  return redisPrefix.replace(/:+$/, '') || 'wavegate';
}
