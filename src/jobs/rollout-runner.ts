import { advanceTime } from '../core/rollout/advance-time.js';
import type { Rollout } from '../core/rollout/rollout.js';
import type { RolloutPoller } from './rollout-poller.js';

/** The part of RolloutService a runner drives. */
export interface RolloutWorkable {
  /** Moves the rollout on as far as it can go now; null when another process holds its lease. */
  work(id: string): Promise<Rollout | null>;
  /** When `work` has something to do (ms; `now` when due now), or null when only a command moves it. */
  nextWakeAt(r: Rollout): number | null;
}

/** When a rollout next needs `work` (service clock ms), and whether that work is a look outside. */
export interface NextWork {
  at: number;
  /**
   * Due now because the rollout waits on the outside (convergence, a running analysis, a closed gate,
   * a failed action to retry): right after a look, the next one waits for the poll interval.
   */
  outside: boolean;
}

/**
 * When the rollout next needs work, or null when only a command moves it. As `nextWakeAt`, except
 * that a transition only time causes and nobody has stored yet is due now and is not a look outside:
 * `work` returns at a wait that is already over (a bake of 0, a passed step with no minimum time), and
 * `nextWakeAt` decides on the advanced state, where a deadline that pauses or the end of the last step
 * look idle — a runner trusting it would never store them.
 */
export function nextWork(service: RolloutWorkable, r: Rollout, now: number): NextWork | null {
  if (advanceTime(r, now) !== r) return { at: now, outside: false };
  const at = service.nextWakeAt(r);
  return at === null ? null : { at, outside: at <= now };
}

/**
 * What runs the rollouts' work: the in-process RolloutPoller (embedded default, no Redis) or BullMQ
 * workers shared by any number of processes (REDIS_URL set). `buildRollouts` picks one.
 */
export interface RolloutRunner {
  /** Start taking work. Resolves once started; never rejects (trouble is logged and retried). */
  start(): Promise<void>;
  /** Stop taking work and wait at most `timeoutMs` for work in flight, then let go of connections. */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * A rollout was stored or changed (RolloutService's onChange): a submit or a person's command must
   * be worked at once. Never throws; a lost wake-up is healed by reconciliation or the next poll.
   */
  rolloutChanged(before: Rollout | null, after: Rollout): void;
  /**
   * One pass, now, in this process: work every rollout that is due by the runner's clock and wait for
   * it. For tests on a manual clock and for operators; the started runner needs no help.
   */
  poll(): Promise<void>;
}

/** The embedded RolloutPoller as a RolloutRunner: a change made outside its own work wakes it early. */
export class InProcessRolloutRunner implements RolloutRunner {
  constructor(private readonly poller: RolloutPoller) {}

  async start(): Promise<void> {
    this.poller.start();
  }

  stop(timeoutMs?: number): Promise<void> {
    return this.poller.stop(timeoutMs);
  }

  rolloutChanged(_before: Rollout | null, after: Rollout): void {
    if (!this.poller.isWorking(after.id)) this.poller.wake();
  }

  poll(): Promise<void> {
    return this.poller.poll();
  }
}
