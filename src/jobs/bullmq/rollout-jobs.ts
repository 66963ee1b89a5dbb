import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { isActive, type Rollout } from '../../core/rollout/rollout.js';
import type { RolloutStore } from '../../core/rollout/rollout-store.js';
import { StaleRolloutError } from '../../errors/rollout-errors.js';
import { ROLLOUT_QUEUE, type JobPayload } from '../catalog.js';
import { nextWork, type NextWork, type RolloutWorkable } from '../rollout-runner.js';
import { gaveUpForNow } from './analysis-jobs.js';
import type { JobHandlers } from './job-processor.js';
import type { JobQueues } from './job-queues.js';

export interface RolloutJobsOptions {
  store: Pick<RolloutStore, 'get' | 'listActive'>;
  service: RolloutWorkable;
  queues: JobQueues;
  logger: Logger;
  /** The service's clock (ms). Due times are in its terms. */
  now: () => number;
  /** Clock ms per real ms: 1 in production (see AnalysisJobsOptions). */
  clockRate?: number;
  /**
   * Real ms between two looks while a rollout waits on the outside (convergence, a running analysis,
   * a closed gate: `nextWakeAt` says `now` for those). ROLLOUT_POLL.
   */
  pollMs: number;
  /** Real ms to wait before looking again when another process holds the rollout's lease. */
  busyRetryMs?: number;
}

/**
 * Job id of the work that rollout `id` needs in the state it has at `revision`. Every stored change
 * bumps the revision, so the id names one state: the same in every process (duplicate schedules of a
 * state collapse), and a new one once anything moved (a command is never hidden by an older job).
 * '-' separates because BullMQ refuses ':' in custom ids.
 */
export function workJobId(rolloutId: string, revision: number): string {
  return `rollout-${encodeURIComponent(rolloutId)}-${revision}`;
}

/**
 * The rollout jobs: `rollout.work` moves one rollout on (RolloutService.work, under the store's lease
 * and compare-and-set, so a re-run is harmless) and schedules the job of the state it leaves;
 * reconciliation makes sure every active rollout that has something to do has that job.
 */
export class RolloutJobs {
  private readonly clockRate: number;
  private readonly busyRetryMs: number;
  /** Rollouts this process is working: the saves of that work need no job of their own. */
  private readonly working = new Map<string, number>();

  constructor(private readonly opts: RolloutJobsOptions) {
    this.clockRate = opts.clockRate ?? 1;
    this.busyRetryMs = opts.busyRetryMs ?? 2_000;
  }

  handlers(): JobHandlers {
    return {
      'rollout.work': (payload, job, token) => this.work(payload, job, token),
      'rollout.reconcile': async () => void (await this.reconcile()),
    };
  }

  isWorking(rolloutId: string): boolean {
    return this.working.has(rolloutId);
  }

  /**
   * Adds the job of the rollout's current state (a no-op when it exists), delayed until it needs work.
   * `afterLook`: the rollout was just worked, so a look outside that is due now waits `pollMs` first.
   * Returns the job id, or null when only a command can move the rollout.
   */
  async schedule(r: Rollout, afterLook = false): Promise<string | null> {
    const next = isActive(r) ? nextWork(this.opts.service, r, this.opts.now()) : null;
    if (next === null) return null;
    const jobId = workJobId(r.id, r.revision);
    await this.opts.queues.enqueue('rollout.work', { rolloutId: r.id, revision: r.revision, dueAt: next.at }, { jobId, delayMs: this.delayFor(next, afterLook) });
    return jobId;
  }

  /**
   * For every active rollout that has something to do, make sure the job of its current state exists
   * and will run: a missing one is added; one BullMQ gave up on for reasons time can fix, or one that
   * completed although its state still needs work, is retried. A job failed as unrecoverable stays
   * failed and is reported on every pass. Idempotent: every process runs it at start and on schedule.
   */
  async reconcile(): Promise<{ active: number; repaired: number; stuck: number }> {
    const ids = await this.opts.store.listActive();
    let repaired = 0;
    let stuck = 0;
    for (const id of ids) {
      const r = await this.opts.store.get(id);
      if (!r || !isActive(r) || nextWork(this.opts.service, r, this.opts.now()) === null) continue;
      const existing = await this.opts.queues.queue(ROLLOUT_QUEUE).getJob(workJobId(r.id, r.revision));
      const state = existing ? await existing.getState() : 'missing';
      if (!existing || state === 'unknown') {
        if ((await this.schedule(r)) !== null) repaired++;
      } else if (state === 'completed' || (state === 'failed' && gaveUpForNow(existing))) {
        await existing.retry(state, { resetAttemptsMade: true });
        repaired++;
      } else if (state === 'failed') {
        stuck++;
        this.opts.logger.warn({ rolloutId: id, jobId: existing.id, reason: existing.failedReason }, 'rollout stuck: its work failed permanently');
      }
    }
    if (repaired > 0) this.opts.logger.info({ active: ids.length, repaired }, 'reconciled rollout jobs');
    return { active: ids.length, repaired, stuck };
  }

  private async work({ rolloutId, revision }: JobPayload<'rollout.work'>, job: Job, token: string | undefined): Promise<void> {
    const { store, service, now } = this.opts;
    const current = await store.get(rolloutId);
    if (!current || !isActive(current)) return;
    // Superseded: whoever moved the rollout on scheduled its new state; make sure, and let this one go.
    if (current.revision !== revision) return void (await this.schedule(current));
    const worked = await this.guarded(rolloutId);
    if (worked === null) return this.later(job, token, this.busyRetryMs); // another process holds the lease
    // Read again: a command may have landed during the work or just after it, and in this process its
    // onChange was skipped along with the work's own saves. Only the state the work left is paced.
    const latest = await store.get(rolloutId);
    if (!latest) return;
    if (latest.revision !== revision) return void (await this.schedule(latest, worked !== 'stale' && worked.revision === latest.revision));
    // Nothing changed (a running analysis, a bake not over by this host's clock): wait under the same id.
    const next = nextWork(service, latest, now());
    if (next === null) return;
    await job.updateData({ rolloutId, revision, dueAt: next.at });
    return this.later(job, token, this.delayFor(next, true));
  }

  /** RolloutService.work, known to be in progress here; 'stale' when someone else wrote the rollout meanwhile. */
  private async guarded(rolloutId: string): Promise<Rollout | null | 'stale'> {
    this.working.set(rolloutId, (this.working.get(rolloutId) ?? 0) + 1);
    try {
      return await this.opts.service.work(rolloutId);
    } catch (err) {
      if (err instanceof StaleRolloutError) return 'stale';
      throw err;
    } finally {
      const n = (this.working.get(rolloutId) ?? 1) - 1;
      if (n > 0) this.working.set(rolloutId, n);
      else this.working.delete(rolloutId);
    }
  }

  /** Moves the running job back to delayed (no attempt used) and tells the worker so. */
  private async later(job: Job, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(delayMs)), token);
    throw new DelayedError();
  }

  /** Real ms until `next` is due; a look outside right after one waits `pollMs`. */
  private delayFor(next: NextWork, afterLook: boolean): number {
    if (afterLook && next.outside) return this.opts.pollMs;
    return Math.max(0, Math.ceil((next.at - this.opts.now()) / this.clockRate));
  }
}
