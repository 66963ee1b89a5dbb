/**
 * Keeps a scheduling lease alive while its holder works. A rollout step can push to Git through a
 * slow remote, an analysis tick can wait on a slow Prometheus; without renewal the lease would lapse
 * mid-work and a second worker could start the same step. The keeper renews every third of the ttl,
 * so two renewals may fail (a Redis blip) before the lease is at risk, and it reports the lease lost
 * as soon as a renewal says another owner holds it — or when no renewal has succeeded for a whole
 * ttl, since by then the store may have let it go. The holder checks `lost` before each step and
 * stops there; whatever it already did is fenced by the stores' compare-and-set and the Git fence.
 *
 * Renewal ends after `maxHoldMs` (five ttls by default): work that has held a lease that long is
 * presumed hung — a push that never returns, a process stopped with work in flight — and renewing
 * forever would leave its rollout or analysis stuck. The lease then lapses as it did before
 * renewal existed, another worker takes over, and the fences refuse the hung work's late writes.
 */
import { randomUUID } from 'node:crypto';
import type { LeaseStore } from '../core/leases.js';

export interface KeptLease {
  /** True once the lease may be held by someone else: stop before the next step. */
  readonly lost: boolean;
  /** Stop renewing (before releasing the lease). */
  stop(): void;
}

export interface LeaseKeeperOptions {
  ttlMs: number;
  /** Stop renewing after this long (default 5 × ttlMs): the holder is presumed hung. */
  maxHoldMs?: number;
  /** Renews the lease; true while this holder still has it. May throw (store unreachable). */
  renew: () => Promise<boolean>;
  /** Called once when the lease is lost. */
  onLost?: (why: 'taken' | 'unrenewed') => void;
}

/**
 * Real elapsed time, not the service's clock: the renewals run on real timers and Redis expires
 * leases in real milliseconds, while tests and the demo run the service's clock faster.
 */
const elapsed = () => performance.now();

export function keepLease(opts: LeaseKeeperOptions): KeptLease {
  let lost = false;
  let stopped = false;
  const started = elapsed();
  const maxHoldMs = opts.maxHoldMs ?? 5 * opts.ttlMs;
  let lastRenewed = started;
  let inFlight = false;
  const markLost = (why: 'taken' | 'unrenewed') => {
    if (lost || stopped) return;
    lost = true;
    clearInterval(timer);
    try {
      opts.onLost?.(why);
    } catch {
      // A failing logger must not become an unhandled rejection.
    }
  };
  const timer = setInterval(() => {
    if (inFlight || lost) return;
    if (elapsed() - started >= maxHoldMs) {
      clearInterval(timer);
      return;
    }
    inFlight = true;
    // Stamped before asking: the store counts the new ttl from when it gets the request.
    const asked = elapsed();
    opts
      .renew()
      .then((held) => {
        if (held) lastRenewed = asked;
        else markLost('taken');
      })
      .catch(() => {
        if (elapsed() - lastRenewed >= opts.ttlMs) markLost('unrenewed');
      })
      .finally(() => {
        inFlight = false;
      });
  }, Math.max(10, Math.floor(opts.ttlMs / 3)));
  // The timer must not keep a process alive that has nothing else to do.
  timer.unref?.();
  return {
    get lost() {
      return lost || elapsed() - lastRenewed >= opts.ttlMs;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/**
 * Runs `work` under item `id`'s lease, kept alive while it runs and released after: null without
 * running it when another holder has the lease. Each attempt holds its lease under its own token
 * (`owner` plus a random suffix), so a holder whose lease expired cannot release its successor's.
 */
export async function withLease<T>(
  store: LeaseStore,
  id: string,
  opts: { owner: string; ttlMs: number; now: () => number; onLost: (why: 'taken' | 'unrenewed') => void },
  work: (lease: KeptLease) => Promise<T>,
): Promise<T | null> {
  const owner = `${opts.owner}/${randomUUID()}`;
  if (!(await store.acquireLease(id, owner, opts.ttlMs, opts.now()))) return null;
  const lease = keepLease({ ttlMs: opts.ttlMs, renew: () => store.renewLease(id, owner, opts.ttlMs, opts.now()), onLost: opts.onLost });
  try {
    return await work(lease);
  } finally {
    lease.stop();
    await store.releaseLease(id, owner).catch(() => undefined);
  }
}
