import type { Logger } from 'pino';
import type { RolloutStore } from '../core/rollout/rollout-store.js';
import type { RolloutService } from '../rollout/rollout-service.js';

/**
 * The embedded rollout worker: every `pollMs` it reads the active rollouts from the store and works
 * the ones that have something to do now. All state is in the store and every step runs under a
 * lease, so a restarted process (or several sharing Redis) continues where the last one stopped.
 */
export class RolloutPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly opts: { store: RolloutStore; service: RolloutService; logger: Logger; now: () => number; pollMs: number }) {}

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

  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([this.running ?? Promise.resolve(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
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
      const wake = r ? service.nextWakeAt(r) : null;
      if (wake === null || wake > now()) continue;
      await service.work(id).catch((err: unknown) => logger.warn({ err, rolloutId: id }, 'rollout work failed; will retry'));
    }
  }
}
