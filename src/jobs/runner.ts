import type { Analysis } from '../core/analysis/model.js';
import type { TickScheduler } from './tick-scheduler.js';

/**
 * What runs the analyses' ticks: the in-process TickScheduler (embedded default, no Redis) or BullMQ
 * workers shared by any number of processes (REDIS_URL set). The composition root picks one.
 */
export interface JobRunner {
  /** Start taking work. Resolves once started; never rejects (trouble is logged and retried). */
  start(): Promise<void>;
  /** Stop taking work and wait at most `timeoutMs` for work in flight, then let go of connections. */
  stop(timeoutMs?: number): Promise<void>;
  /** A new analysis was stored: schedule its first tick. Never rejects; a lost schedule is healed by reconciliation. */
  analysisCreated(analysis: Analysis): Promise<void>;
  /**
   * One pass, now, in this process: run every tick that is due by the runner's clock and wait for
   * it. For tests on a manual clock and for operators; the started runner needs no help.
   */
  poll(): Promise<void>;
}

/** The embedded TickScheduler as a JobRunner: it finds new analyses by polling the store. */
export class InProcessRunner implements JobRunner {
  constructor(private readonly scheduler: TickScheduler) {}

  async start(): Promise<void> {
    this.scheduler.start();
  }

  stop(timeoutMs?: number): Promise<void> {
    return this.scheduler.stop(timeoutMs);
  }

  async analysisCreated(): Promise<void> {}

  poll(): Promise<void> {
    return this.scheduler.poll();
  }
}
