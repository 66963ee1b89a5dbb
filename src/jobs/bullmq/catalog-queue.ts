import type { Logger } from 'pino';
import type { JobName } from '../catalog.js';
import { MAX_STALLED_COUNT } from './analysis-jobs.js';
import { checkEvictionPolicy, type BullmqConnections } from './connections.js';
import { catalogProcessor, type JobHandlers } from './job-processor.js';
import { JobQueues } from './job-queues.js';
import { QueueWorker, within } from './queue-worker.js';

/** The jobs of one queue: their handlers, and the pass that gives every live item its next job. */
export interface QueueJobs {
  handlers(): JobHandlers;
  reconcile(): Promise<unknown>;
}

export interface CatalogQueueOptions {
  queue: string;
  /** BullMQ key prefix (bullmqPrefix(REDIS_PREFIX)). */
  prefix: string;
  /** Opened for this queue alone; `stop()` closes them. */
  connections: BullmqConnections;
  /** Builds the jobs over the queues this object owns. */
  jobs: (queues: JobQueues) => QueueJobs;
  /** The repeating reconciliation job (one job scheduler shared by every process) and its id. */
  reconcile: { job: JobName; schedulerId: string; everyMs?: number };
  /** The job `poll()` promotes when due by the injected clock. */
  dueJob: JobName;
  logger: Logger;
  now: () => number;
  concurrency?: number;
  workerName?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * One catalog queue run by this process: the worker, reconciliation at start and on a shared
 * schedule, a bounded stop, and `poll()` for manual-clock tests. The analysis and rollout runners
 * each own one; what differs between them is only their jobs.
 */
export class CatalogQueue<J extends QueueJobs = QueueJobs> {
  readonly queues: JobQueues;
  readonly jobs: J;
  private readonly worker: QueueWorker;

  constructor(private readonly opts: Omit<CatalogQueueOptions, 'jobs'> & { jobs: (queues: JobQueues) => J }) {
    this.queues = new JobQueues({ connection: opts.connections.queue, prefix: opts.prefix });
    this.jobs = opts.jobs(this.queues);
    this.worker = new QueueWorker({
      queue: opts.queue,
      prefix: opts.prefix,
      connection: opts.connections.worker,
      processor: catalogProcessor(this.jobs.handlers(), opts.logger),
      logger: opts.logger,
      concurrency: opts.concurrency ?? 4,
      lockDurationMs: opts.lockDurationMs ?? 30_000,
      stalledIntervalMs: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: MAX_STALLED_COUNT,
      ...(opts.workerName ? { workerName: opts.workerName } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.worker.started) return;
    const { logger, reconcile } = this.opts;
    const concurrency = this.worker.start();
    await checkEvictionPolicy(this.opts.connections.queue, logger);
    try {
      await this.queues.repeat(reconcile.job, {}, reconcile.schedulerId, reconcile.everyMs ?? 60_000);
      await this.jobs.reconcile();
    } catch (err) {
      logger.warn({ err, queue: this.opts.queue }, 'cannot reconcile at start; the reconcile schedule will retry');
    }
    logger.info({ queue: this.opts.queue, prefix: this.opts.prefix, concurrency }, 'BullMQ worker started');
  }

  /**
   * Stops fetching and waits at most `timeoutMs` for jobs in flight; past that they are cancelled
   * (released as retryable failures for another worker), and if even that hangs the worker is
   * disconnected and BullMQ's stalled-job recovery takes over. Worst case: `timeoutMs` + ~2.5 s.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.worker.stop(timeoutMs);
    await within(this.queues.close(), 500);
    await this.opts.connections.close(500);
  }

  /** Reconciles, promotes due jobs by the injected clock, and processes the waiting ones here. */
  async poll(): Promise<void> {
    await this.jobs.reconcile();
    await this.queues.promoteDue(this.opts.dueJob, this.opts.now());
    await this.worker.drain();
  }

  get queue() {
    return this.queues.queue(this.opts.queue);
  }
}

/** The defined ones of some optional settings, so a runner passes on only what its caller set. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
