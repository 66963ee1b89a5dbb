import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AnalysisStore } from '../core/analysis/analysis-store.js';
import type { Analysis } from '../core/analysis/model.js';
import { AnalysisJobs, MAX_STALLED_COUNT } from './bullmq/analysis-jobs.js';
import { checkEvictionPolicy, type BullmqConnections } from './bullmq/connections.js';
import { catalogProcessor } from './bullmq/job-processor.js';
import { JobQueues } from './bullmq/job-queues.js';
import { ANALYSIS_QUEUE, jobCatalog } from './catalog.js';
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
  private worker: Worker | null = null;
  private manual: Worker | null = null;

  constructor(private readonly opts: BullmqRunnerOptions) {
    this.prefix = bullmqPrefix(opts.redisPrefix);
    this.queues = new JobQueues({ connection: opts.connections.queue, prefix: this.prefix });
    const { store, service, logger, now, clockRate, busyRetryMs, onTick } = opts;
    this.jobs = new AnalysisJobs({ store, service, logger, now, clockRate, busyRetryMs, onTick, queues: this.queues });
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { logger } = this.opts;
    this.worker = this.newWorker(true);
    await checkEvictionPolicy(this.opts.connections.queue, logger);
    try {
      await this.queues.queue(ANALYSIS_QUEUE).upsertJobScheduler(
        RECONCILER_ID,
        { every: this.opts.reconcileEveryMs ?? 60_000 },
        // One job a minute for ever: keep only the last few finished ones.
        { name: 'analysis.reconcile', data: {}, opts: { attempts: jobCatalog['analysis.reconcile'].attempts, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } },
      );
      await this.jobs.reconcile();
    } catch (err) {
      logger.warn({ err }, 'cannot reconcile tick jobs at start; the reconcile schedule will retry');
    }
    logger.info({ queue: ANALYSIS_QUEUE, prefix: this.prefix, concurrency: this.worker.concurrency }, 'BullMQ worker started');
  }

  /**
   * Stops fetching and waits at most `timeoutMs` for jobs in flight. Past that, the jobs are
   * cancelled: each is released as a retryable failure for another worker (the tick itself runs on
   * in the background, still under its store lease). If even that hangs (Redis gone), the worker is
   * disconnected and BullMQ's stalled-job recovery takes over. Worst case: `timeoutMs` + ~2.5 s.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    const workers = [this.worker, this.manual].filter((w): w is Worker => w !== null);
    this.worker = this.manual = null;
    const closed = Promise.all(workers.map((w) => w.close()));
    if (!(await within(closed, timeoutMs))) {
      this.opts.logger.warn({ timeoutMs }, 'jobs still running at stop; releasing them to other workers');
      workers.forEach((w) => w.cancelAllJobs('worker stopping'));
      if (!(await within(closed, 1_000))) await within(Promise.all(workers.map((w) => w.disconnect())), 500);
    }
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
    const now = this.opts.now();
    for (const job of await this.queues.queue(ANALYSIS_QUEUE).getDelayed()) {
      const dueAt = (job.data as { dueAt?: unknown } | undefined)?.dueAt;
      if (job.name === 'analysis.tick' && typeof dueAt === 'number' && dueAt <= now) await job.promote().catch(() => undefined);
    }
    this.manual ??= this.newWorker(false);
    const token = randomUUID();
    for (let n = 0; n < 10_000; n++) {
      const job = await this.manual.getNextJob(token, { block: false });
      if (!job) return;
      await this.manual.processJob(job, token, () => false);
    }
  }

  /** For tests and operators: the BullMQ queue the analysis jobs live on. */
  get analysisQueue() {
    return this.queues.queue(ANALYSIS_QUEUE);
  }

  private newWorker(autorun: boolean): Worker {
    const worker = new Worker(ANALYSIS_QUEUE, catalogProcessor(this.jobs.handlers(), this.opts.logger), {
      connection: this.opts.connections.worker,
      prefix: this.prefix,
      autorun,
      concurrency: Math.max(1, this.opts.concurrency ?? 4),
      lockDuration: this.opts.lockDurationMs ?? 30_000,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: MAX_STALLED_COUNT,
      ...(this.opts.workerName ? { name: this.opts.workerName } : {}),
    });
    worker.on('error', (err) => this.opts.logger.warn({ err }, 'BullMQ worker error'));
    return worker;
  }
}

/** BullMQ joins prefix and queue with ':' itself. */
export function bullmqPrefix(redisPrefix: string): string {
  return redisPrefix.replace(/:+$/, '') || 'wavegate';
}

/** True when `work` settled within `ms`; it is not cancelled otherwise. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms).unref();
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, late]);
  clearTimeout(timer);
  return result;
}
