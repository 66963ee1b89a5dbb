import type { Logger } from 'pino';
import type { RolloutStore } from '../core/rollout/rollout-store.js';
import { nextWork, type RolloutWorkable } from './rollout-runner.js';

export interface RolloutPollerOptions {
  store: Pick<RolloutStore, 'get' | 'listActive'>;
  service: RolloutWorkable;
  logger: Logger;
  now: () => number;
  pollMs: number;
}

/**
 * The embedded rollout worker: every `pollMs` it reads the active rollouts from the store and works
 * the ones that have something to do now. All state is in the store and every step runs under a
 * lease, so a restarted process (or several sharing Redis) continues where the last one stopped.
 */
export class RolloutPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** A wake-up arrived during a pass: run the next one at once. */
  private again = false;
  private readonly working = new Set<string>();

  constructor(private readonly opts: RolloutPollerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop();
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([this.running ?? Promise.resolve(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Pass over the rollouts now rather than at the next poll (a submit, a command). No-op unless started. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), 0).unref();
  }

  /** True while this poller works the rollout (its own saves need no wake-up). */
  isWorking(id: string): boolean {
    return this.working.has(id);
  }

  /** One pass over the active rollouts. Exposed for tests and the demo. */
  async poll(): Promise<void> {
    const { store, service, logger, now } = this.opts;
    const ids = await store.listActive().catch((err: unknown) => {
      logger.warn({ err }, 'cannot list active rollouts; will retry');
      return [] as string[];
    });
    for (const id of ids) {
      const r = await store.get(id).catch(() => null);
      const next = r ? nextWork(service, r, now()) : null;
      if (next === null || next.at > now()) continue;
      this.working.add(id);
      try {
        // Work stops where it waits; a wait that time has already ended is worked again at once.
        for (let i = 0, more = true; more && i < 10; i++) {
          const after = await service.work(id);
          const again = after ? nextWork(service, after, now()) : null;
          more = again !== null && !again.outside && again.at <= now();
        }
      } catch (err) {
        logger.warn({ err, rolloutId: id }, 'rollout work failed; will retry');
      } finally {
        this.working.delete(id);
      }
    }
  }

  private loop(): void {
    if (this.stopped) return;
    this.again = false;
    this.running = this.poll().finally(() => {
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.again ? 0 : this.opts.pollMs).unref();
    });
  }
}
