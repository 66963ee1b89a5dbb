import { randomUUID } from 'node:crypto';
import { Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface QueueWorkerOptions {
  queue: string;
  /** BullMQ key prefix (see bullmqPrefix). */
  prefix: string;
  /** Duplicated by each Worker for its own connections; never connects itself. */
  connection: Redis;
  processor: Processor;
  logger: Logger;
  /** Jobs this process runs at once. */
  concurrency: number;
  /** A worker that stops renewing its job lock (it died) loses the job to another after this long. */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs. */
  stalledIntervalMs: number;
  /** Times BullMQ moves a job whose worker vanished back to wait before failing it. */
  maxStalledCount: number;
  /** Shown as `processedBy` on the jobs this process ran (host + pid). */
  workerName?: string;
}

/**
 * The consumer side of one queue in one process: a Worker that fetches on its own once started, a
 * manual one for `drain()` (tests on a manual clock, operators), and a bounded stop for both.
 */
export class QueueWorker {
  private worker: Worker | null = null;
  private manual: Worker | null = null;

  constructor(private readonly opts: QueueWorkerOptions) {}

  /** Starts fetching (idempotent). Returns the worker's concurrency. */
  start(): number {
    this.worker ??= this.newWorker(true);
    return this.worker.concurrency;
  }

  get started(): boolean {
    return this.worker !== null;
  }

  /** Processes the waiting jobs here, one by one, until none is left (at most `limit`). */
  async drain(limit = 10_000): Promise<void> {
    this.manual ??= this.newWorker(false);
    const token = randomUUID();
    for (let n = 0; n < limit; n++) {
      const job = await this.manual.getNextJob(token, { block: false });
      if (!job) return;
      await this.manual.processJob(job, token, () => false);
    }
  }

  /**
   * Stops fetching and waits at most `timeoutMs` for jobs in flight. Past that, the jobs are
   * cancelled: each is released as a retryable failure for another worker (its work runs on in the
   * background, still under its store lease). If even that hangs (Redis gone), the workers are
   * disconnected and BullMQ's stalled-job recovery takes over. Worst case: `timeoutMs` + ~1.5 s.
   */
  async stop(timeoutMs: number): Promise<void> {
    const workers = [this.worker, this.manual].filter((w): w is Worker => w !== null);
    this.worker = this.manual = null;
    const closed = Promise.all(workers.map((w) => w.close()));
    if (!(await within(closed, timeoutMs))) {
      this.opts.logger.warn({ queue: this.opts.queue, timeoutMs }, 'jobs still running at stop; releasing them to other workers');
      workers.forEach((w) => w.cancelAllJobs('worker stopping'));
      if (!(await within(closed, 1_000))) await within(Promise.all(workers.map((w) => w.disconnect())), 500);
    }
  }

  private newWorker(autorun: boolean): Worker {
    const o = this.opts;
    const worker = new Worker(o.queue, o.processor, {
      connection: o.connection,
      prefix: o.prefix,
      autorun,
      concurrency: Math.max(1, o.concurrency),
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: o.maxStalledCount,
      ...(o.workerName ? { name: o.workerName } : {}),
    });
    worker.on('error', (err) => o.logger.warn({ err, queue: o.queue }, 'BullMQ worker error'));
    return worker;
  }
}

/** True when `work` settled within `ms`; it is not cancelled otherwise. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
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
