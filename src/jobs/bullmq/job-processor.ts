import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import type { Logger } from 'pino';
import { WavegateError } from '../../errors/wavegate-error.js';
import { parseJobPayload, type JobName, type JobPayload } from '../catalog.js';

/** Runs one job. `token` is the worker's lock token, needed to move the job (e.g. to delayed). */
export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: Job, token: string | undefined) => Promise<void>;

/** Handlers this process runs; a job of the catalog without a handler here is left for another process. */
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/**
 * The BullMQ processor for catalog jobs: validates the payload again on pick-up, dispatches by name,
 * and tells BullMQ whether a retry can help. Non-retryable domain errors (a bad payload included)
 * become `UnrecoverableError`, so BullMQ fails the job at once; retryable and unknown errors are
 * rethrown for BullMQ to retry with the catalog's backoff.
 */
export function catalogProcessor(handlers: JobHandlers, logger: Logger): Processor {
  return async (job, token, signal) => {
    try {
      const payload = parseJobPayload(job.name, job.data); // also refuses names outside the catalog
      const handler = handlers[job.name as JobName] as JobHandler<JobName> | undefined;
      if (!handler) throw new Error(`no handler for ${job.name} in this process`);
      await unlessAborted(handler(payload as never, job, token), signal);
    } catch (err) {
      const mapped = forBullmq(err);
      if (!(mapped instanceof DelayedError)) {
        logger.warn(
          { err, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1, retry: !(mapped instanceof UnrecoverableError) },
          'job failed',
        );
      }
      throw mapped;
    }
  };
}

/** The error BullMQ should see: control-flow errors pass, permanent domain errors become unrecoverable. */
export function forBullmq(err: unknown): unknown {
  if (err instanceof DelayedError || err instanceof UnrecoverableError) return err;
  if (err instanceof WavegateError && !err.retryable) {
    return Object.assign(new UnrecoverableError(`${err.code}: ${err.message}`), { cause: err });
  }
  return err;
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts (Worker.cancelAllJobs at a bounded stop).
 * The work itself cannot be cancelled and runs on; the job is released (a retryable failure) so
 * another worker can take it over, and the store's lease keeps the two from ticking at once.
 */
function unlessAborted(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new Error(`job cancelled: ${String(signal.reason ?? 'worker stopping')}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
