import type { Logger } from 'pino';
import type { AnalysisStore } from '../core/analysis/analysis-store.js';
import type { Analysis } from '../core/analysis/model.js';
import { AnalysisJobs, MAX_STALLED_COUNT } from './bullmq/analysis-jobs.js';
import { checkEvictionPolicy, type BullmqConnections } from './bullmq/connections.js';
import { catalogProcessor } from './bullmq/job-processor.js';
import { JobQueues } from './bullmq/job-queues.js';
import { QueueWorker, within } from './bullmq/queue-worker.js';
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
  private readonly queues: JobQueues;
  private readonly jobs: AnalysisJobs;
  private readonly prefix: string;
  private readonly worker: QueueWorker;

  constructor(private readonly opts: BullmqRunnerOptions) {
    this.prefix = bullmqPrefix(opts.redisPrefix);
    this.queues = new JobQueues({ connection: opts.connections.queue, prefix: this.prefix });
    const { store, service, logger, now, clockRate, busyRetryMs, onTick } = opts;
    this.jobs = new AnalysisJobs({ store, service, logger, now, clockRate, busyRetryMs, onTick, queues: this.queues });
    this.worker = new QueueWorker({
      queue: ANALYSIS_QUEUE,
      prefix: this.prefix,
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
      await this.queues.repeat('analysis.reconcile', {}, RECONCILER_ID, this.opts.reconcileEveryMs ?? 60_000);
      await this.jobs.reconcile();
    } catch (err) {
      logger.warn({ err }, 'cannot reconcile tick jobs at start; the reconcile schedule will retry');
    }
    logger.info({ queue: ANALYSIS_QUEUE, prefix: this.prefix, concurrency }, 'BullMQ worker started');
  }

  /**
   * Stops fetching and waits at most `timeoutMs` for jobs in flight. Past that, the jobs are
   * cancelled: each is released as a retryable failure for another worker (the tick itself runs on
   * in the background, still under its store lease). If even that hangs (Redis gone), the worker is
   * disconnected and BullMQ's stalled-job recovery takes over. Worst case: `timeoutMs` + ~2.5 s.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.worker.stop(timeoutMs);
    await within(this.queues.close(), 500);
    await this.opts.connections.close(500);
  }

  async analysisCreated(analysis: Analysis): Promise<void> {
    if (analysis.mode === 'retrospective') return; // replayed by create itself; a failed replay is found by reconciliation
    try {
      await this.jobs.schedule(analysis);
    } catch (err) {
      this.opts.logger.warn({ err, analysisId: analysis.id }, 'cannot schedule the first tick; reconciliation will');
    }
  }

  /**
   * Reconciles, promotes every delayed tick whose due time by the runner's clock has passed, and
   * processes the waiting jobs here, one by one, until none is left.
   */
  async poll(): Promise<void> {
    await this.jobs.reconcile();
    await this.queues.promoteDue('analysis.tick', this.opts.now());
    await this.worker.drain();
  }

  /** For tests and operators: the BullMQ queue the analysis jobs live on. */
  get analysisQueue() {
    return this.queues.queue(ANALYSIS_QUEUE);
  }
}

/** BullMQ joins prefix and queue with ':' itself. */
export function bullmqPrefix(redisPrefix: string): string {
  return redisPrefix.replace(/:+$/, '') || 'wavegate';
}
