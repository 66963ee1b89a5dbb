import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AnalysisStore } from '../../core/analysis/analysis-store.js';
import type { Analysis } from '../../core/analysis/model.js';
import { ANALYSIS_QUEUE, type JobPayload } from '../catalog.js';
import type { Tickable } from '../tick-scheduler.js';
import type { JobHandlers } from './job-processor.js';
import type { JobQueues } from './job-queues.js';

export interface AnalysisJobsOptions {
  store: Pick<AnalysisStore, 'get' | 'listRunning'>;
  service: Tickable;
  queues: JobQueues;
  logger: Logger;
  /** The service's clock (ms). Due times are in its terms. */
  now: () => number;
  /**
   * Clock ms per real ms: 1 in production. Tests that run a fast clock over recorded history set
   * it higher, so BullMQ's real-time delays keep pace with the clock.
   */
  clockRate?: number;
  /** Real ms to wait before looking again when another process holds the analysis' tick lease. */
  busyRetryMs?: number;
  onTick?: (seconds: number) => void;
}

/**
 * Job id of the tick that measures the interval ending at `tickEnd`: the same in every process, so
 * duplicate schedules collapse. '-' separates because BullMQ refuses ':' in custom ids.
 */
export function tickJobId(analysisId: string, tickEnd: number): string {
  return `tick-${encodeURIComponent(analysisId)}-${tickEnd}`;
}

const nextTickJobId = (a: Analysis) => tickJobId(a.id, a.lastTickEnd + a.request.intervalMs);

/** Times BullMQ moves a job whose worker vanished back to wait before failing it (Worker maxStalledCount). */
export const MAX_STALLED_COUNT = 1;

/** BullMQ failed the job for a reason that may pass: every attempt used, or its workers kept dying. */
export function gaveUpForNow(job: Job): boolean {
  return job.attemptsMade >= (job.opts.attempts ?? 1) || job.stalledCounter > MAX_STALLED_COUNT;
}

/**
 * The analysis jobs: a tick measures what is due (AnalysisService.tick, under the store's lease and
 * compare-and-set, so a re-run is harmless) and schedules the next one; reconciliation makes sure
 * every running analysis has its next tick job.
 */
export class AnalysisJobs {
  private readonly clockRate: number;
  private readonly busyRetryMs: number;

  constructor(private readonly opts: AnalysisJobsOptions) {
    this.clockRate = opts.clockRate ?? 1;
    this.busyRetryMs = opts.busyRetryMs ?? 2_000;
  }

  handlers(): JobHandlers {
    return {
      'analysis.tick': (payload, job, token) => this.tick(payload, job, token),
      'analysis.reconcile': async () => void (await this.reconcile()),
    };
  }

  /** Adds the next tick job of a running analysis (a no-op when it exists). Returns its id, or null when none is left. */
  async schedule(a: Analysis): Promise<string | null> {
    const dueAt = this.opts.service.nextDueAt(a);
    if (dueAt === null) return null;
    const jobId = nextTickJobId(a);
    await this.opts.queues.enqueue('analysis.tick', { analysisId: a.id, dueAt }, { jobId, delayMs: this.realDelay(dueAt) });
    return jobId;
  }

  /**
   * For every running analysis, make sure its next tick job exists and will run: a missing one is
   * added; one BullMQ gave up on for reasons time can fix (retries used up, stalled too often) or one
   * completed by a run that saw stale state is retried. A job failed as unrecoverable stays failed and
   * is reported on every pass: its analysis is stuck until someone looks. Idempotent, so every
   * process may run it at start and on the reconcile schedule.
   */
  async reconcile(): Promise<{ running: number; repaired: number; stuck: number }> {
    const ids = await this.opts.store.listRunning();
    let repaired = 0;
    let stuck = 0;
    for (const id of ids) {
      const a = await this.opts.store.get(id);
      if (!a || a.verdict !== 'running') continue;
      const existing = await this.opts.queues.queue(ANALYSIS_QUEUE).getJob(nextTickJobId(a));
      const state = existing ? await existing.getState() : 'missing';
      if (!existing || state === 'unknown') {
        if ((await this.schedule(a)) !== null) repaired++;
      } else if (state === 'completed' || (state === 'failed' && gaveUpForNow(existing))) {
        await existing.retry(state);
        repaired++;
      } else if (state === 'failed') {
        stuck++;
        this.opts.logger.warn({ analysisId: id, jobId: existing.id, reason: existing.failedReason }, 'analysis stuck: its tick failed permanently');
      }
    }
    if (repaired > 0) this.opts.logger.info({ running: ids.length, repaired }, 'reconciled tick jobs');
    return { running: ids.length, repaired, stuck };
  }

  private async tick({ analysisId }: JobPayload<'analysis.tick'>, job: Job, token: string | undefined): Promise<void> {
    const started = performance.now();
    const after = await this.opts.service.tick(analysisId);
    this.opts.onTick?.((performance.now() - started) / 1000);
    if (after === null) {
      const current = await this.opts.store.get(analysisId);
      if (current === null || current.verdict !== 'running') return;
      // Another process holds the tick lease (or held it and died: the lease then expires).
      return this.later(job, token, this.busyRetryMs);
    }
    if (after.verdict !== 'running') return;
    if (nextTickJobId(after) === job.id) {
      // Nothing was due yet (this host's clock is behind the scheduler's): wait for it under the same id.
      const dueAt = this.opts.service.nextDueAt(after) ?? this.opts.now();
      return this.later(job, token, Math.max(this.realDelay(dueAt), 50));
    }
    await this.schedule(after);
  }

  /** Moves the running job back to delayed (no attempt used) and tells the worker so. */
  private async later(job: Job, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + Math.ceil(delayMs), token);
    throw new DelayedError();
  }

  private realDelay(dueAt: number): number {
    return Math.max(0, Math.ceil((dueAt - this.opts.now()) / this.clockRate));
  }
}
