import type { Logger } from 'pino';
import type { AnalysisStore } from '../core/analysis/analysis-store.js';
import type { Analysis } from '../core/analysis/model.js';

/** The part of AnalysisService the scheduler drives. */
export interface Tickable {
  tick(id: string): Promise<Analysis | null>;
  nextDueAt(a: Analysis): number | null;
}

export interface TickSchedulerOptions {
  store: AnalysisStore;
  service: Tickable;
  logger: Logger;
  now: () => number;
  pollMs: number;
  /** Ticks run at once; each is a handful of Prometheus queries. */
  concurrency?: number;
  onTick?: (seconds: number) => void;
}

/**
 * The embedded scheduler: every `pollMs` it reads the running analyses from the store and ticks the
 * ones that are due. All state is in the store, so a restarted process (or several processes sharing
 * Redis, each ticking under a lease) picks up exactly where the last one stopped.
 */
export class TickScheduler {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<string>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: TickSchedulerOptions) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.poll().finally(() => {
        this.running = null;
        if (!this.stopped) this.timer = setTimeout(loop, this.opts.pollMs).unref();
      });
    };
    loop();
  }

  /** Stops polling and waits (bounded) for ticks in flight. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const pending = this.running ?? Promise.resolve();
    await Promise.race([pending, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** One pass: tick every due analysis, at most `concurrency` at a time. Exposed for tests. */
  async poll(): Promise<void> {
    const { store, service, logger, now } = this.opts;
    let ids: string[];
    try {
      ids = await store.listRunning();
    } catch (err) {
      logger.warn({ err }, 'cannot list running analyses; will retry');
      return;
    }
    const due: string[] = [];
    for (const id of ids) {
      if (this.inFlight.has(id)) continue;
      const a = await store.get(id).catch(() => null);
      const at = a ? service.nextDueAt(a) : null;
      if (a && (at === null || at <= now())) due.push(id);
    }
    const limit = Math.max(1, this.opts.concurrency ?? 4);
    for (let i = 0; i < due.length; i += limit) {
      await Promise.all(due.slice(i, i + limit).map((id) => this.tickOne(id)));
    }
  }

  private async tickOne(id: string): Promise<void> {
    this.inFlight.add(id);
    const t0 = performance.now();
    try {
      await this.opts.service.tick(id);
    } catch (err) {
      this.opts.logger.warn({ err, analysisId: id }, 'tick failed; will retry on the next poll');
    } finally {
      this.inFlight.delete(id);
      this.opts.onTick?.((performance.now() - t0) / 1000);
    }
  }
}
