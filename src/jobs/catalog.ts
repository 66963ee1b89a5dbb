import { z } from 'zod';
import { WavegateError } from '../errors/wavegate-error.js';

/**
 * Every job wavegate runs on BullMQ, by name: the queue it lives on, its payload schema, and how often
 * and how patiently a failure is retried. Payloads are checked when enqueued (a bug in the producer
 * fails at the call site) and again when picked up (a job written by another version, or by hand,
 * fails as unrecoverable instead of being retried forever).
 *
 * Adding a job is one entry here plus its handler; handler payload types are inferred from the schema.
 */

/** Retry policy of one job. Backoff is exponential: delayMs, 2·delayMs, 4·delayMs… between attempts. */
export interface JobPolicy {
  /** Total runs, first included; 1 = never retried. */
  attempts: number;
  backoffMs: number;
}

export interface JobDefinition<S extends z.ZodTypeAny = z.ZodTypeAny> extends JobPolicy {
  /** BullMQ queue name (no ':'). Several jobs may share one queue. */
  queue: string;
  schema: S;
}

const define = <S extends z.ZodTypeAny>(queue: string, schema: S, policy: JobPolicy): JobDefinition<S> => ({ queue, schema, ...policy });

export const ANALYSIS_QUEUE = 'wavegate-analysis';
/**
 * Rollout work has its own queue: its jobs hold Git locks and wait on clusters for seconds, so they get
 * their own worker (concurrency, lock duration) and never queue behind, or ahead of, analysis ticks.
 */
export const ROLLOUT_QUEUE = 'wavegate-rollout';

export const jobCatalog = {
  /**
   * Measure every interval of one analysis that is due, then schedule the next tick. `dueAt` is when
   * the tick was due by the service's clock (ms): for logs, and for test runs on a manual clock.
   * Attempts span about two minutes of store trouble before reconciliation has to step in.
   */
  'analysis.tick': define(ANALYSIS_QUEUE, z.object({ analysisId: z.string().min(1).max(200), dueAt: z.number().int().nonnegative() }).strict(), { attempts: 8, backoffMs: 1_000 }),
  /** Make sure every running analysis has its next tick job (a safety net for lost jobs). Never retried: it repeats anyway. */
  'analysis.reconcile': define(ANALYSIS_QUEUE, z.object({}).strict(), { attempts: 1, backoffMs: 0 }),
  /**
   * Move one rollout on (RolloutService.work) from the state it had at `revision`; a job for an older
   * revision only makes sure the current one has its job. `dueAt` is when the rollout has something to
   * do by the service's clock (ms): for logs, and for test runs on a manual clock. Attempts as a tick.
   */
  'rollout.work': define(
    ROLLOUT_QUEUE,
    z.object({ rolloutId: z.string().min(1).max(200), revision: z.number().int().nonnegative(), dueAt: z.number().int().nonnegative() }).strict(),
    { attempts: 8, backoffMs: 1_000 },
  ),
  /** Make sure every active rollout that has something to do has its work job. Never retried: it repeats anyway. */
  'rollout.reconcile': define(ROLLOUT_QUEUE, z.object({}).strict(), { attempts: 1, backoffMs: 0 }),
} as const satisfies Record<string, JobDefinition>;

export type JobCatalog = typeof jobCatalog;
export type JobName = keyof JobCatalog;
export type JobPayload<N extends JobName> = z.infer<JobCatalog[N]['schema']>;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobCatalog, name);
}

/** A job name that is not in the catalog, or a payload that does not match its schema. Retrying cannot help. */
export class InvalidJobPayloadError extends WavegateError {
  readonly code = 'JOB_PAYLOAD_INVALID';

  constructor(name: string, problems: string[]) {
    super(`job ${name}: ${problems.join('; ')}`, { job: name, problems });
  }
}

/** The payload as its handler sees it, or InvalidJobPayloadError naming each bad field. */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N>;
export function parseJobPayload(name: string, data: unknown): unknown;
export function parseJobPayload(name: string, data: unknown): unknown {
  if (!isJobName(name)) throw new InvalidJobPayloadError(name, ['no such job in the catalog']);
  const parsed = jobCatalog[name].schema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidJobPayloadError(name, parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`));
  }
  return parsed.data;
}
