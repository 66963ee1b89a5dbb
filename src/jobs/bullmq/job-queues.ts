import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobCatalog, parseJobPayload, type JobName, type JobPayload } from '../catalog.js';

export interface EnqueueOptions {
  /**
   * Deterministic id: adding a job whose id exists in any state is a no-op, which is how several
   * processes scheduling the same tick collapse to one job. BullMQ forbids ':' and integer ids.
   */
  jobId?: string;
  /** Real milliseconds from now; BullMQ promotes the job when they have passed. */
  delayMs?: number;
}

export interface JobQueuesOptions {
  connection: Redis;
  /** BullMQ key prefix (its keys are `<prefix>:<queue>:…`). */
  prefix: string;
}

/** Finished jobs are kept a while (for deduplication and inspection), never forever. */
export const RETENTION = {
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 10_000 },
} as const;

/** The producer side of the catalog: one BullMQ Queue per catalog queue, payloads validated before they leave. */
export class JobQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: JobQueuesOptions) {}

  /** The BullMQ Queue behind a catalog queue name (created on first use). */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.options.connection, prefix: this.options.prefix });
      queue.on('error', () => {}); // the shared client's own listener logs connection trouble
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Validates the payload (InvalidJobPayloadError) and adds the job with its catalog retry policy. */
  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<Job> {
    const data = parseJobPayload(name, payload);
    const def = jobCatalog[name];
    return this.queue(def.queue).add(name, data, {
      ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
      delay: Math.max(0, Math.ceil(options.delayMs ?? 0)),
      attempts: def.attempts,
      backoff: { type: 'exponential', delay: def.backoffMs },
      ...RETENTION,
    });
  }

  /**
   * One job scheduler shared by every process (the same `schedulerId` upserts, never duplicates) that
   * adds catalog job `name` every `everyMs`. It repeats for ever, so only the last few runs are kept.
   */
  async repeat<N extends JobName>(name: N, payload: JobPayload<N>, schedulerId: string, everyMs: number): Promise<void> {
    const def = jobCatalog[name];
    await this.queue(def.queue).upsertJobScheduler(
      schedulerId,
      { every: everyMs },
      { name, data: parseJobPayload(name, payload), opts: { attempts: def.attempts, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } },
    );
  }

  /**
   * Moves to wait every delayed `name` job whose `dueAt` (the service's clock, in its payload) has
   * passed: how a test on a manual clock, or an operator, runs what is due without waiting for
   * BullMQ's real-time delay. Returns how many were promoted.
   */
  async promoteDue(name: JobName, now: number): Promise<number> {
    let promoted = 0;
    for (const job of await this.queue(jobCatalog[name].queue).getDelayed()) {
      const dueAt = (job.data as { dueAt?: unknown } | undefined)?.dueAt;
      if (job.name !== name || typeof dueAt !== 'number' || dueAt > now) continue;
      await job.promote().then(
        () => promoted++,
        () => undefined, // taken or moved meanwhile
      );
    }
    return promoted;
  }

  /** Closes every Queue; the injected connection stays open (its opener closes it). */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
