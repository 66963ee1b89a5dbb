import { GitUnavailableError } from '../../errors/git-errors.js';

/**
 * Mutual exclusion per key (the adapter uses one key per repo+branch), so writers of one branch take
 * turns instead of racing each other's pushes. An optimisation, not the safety net: the push itself
 * is a compare-and-swap on the remote ref (never forced), so a lapsed lock costs a retry, not a lost
 * commit.
 */
export interface Lock {
  /**
   * Runs `fn` while holding `key`. `ttlMs` is the lease a crashed holder keeps the key for; live
   * holders renew it. `fn`'s signal aborts if the lock is lost while held (a lease that could not be
   * renewed). Rejects with GitUnavailableError (reason `lockBusy`) when the key stays taken too long.
   */
  withLock<T>(key: string, ttlMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface MemoryLockOptions {
  /** How long a caller waits for a busy key before giving up (default: as long as it takes). */
  waitMs?: number;
}

/**
 * One process's lock: FIFO per key. `ttlMs` does not apply — a process cannot crash while keeping
 * its own lock — and the signal never aborts.
 */
export function createMemoryLock(options: MemoryLockOptions = {}): Lock {
  const tails = new Map<string, Promise<void>>();
  return {
    async withLock(key, _ttlMs, fn) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      try {
        await waitFor(previous, key, options.waitMs);
        return await fn(new AbortController().signal);
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

async function waitFor(turn: Promise<void>, key: string, waitMs: number | undefined): Promise<void> {
  if (waitMs === undefined) return turn;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(lockBusy(key, waitMs)), waitMs);
    timer.unref();
  });
  try {
    await Promise.race([turn, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function lockBusy(key: string, waitMs: number): GitUnavailableError {
  return new GitUnavailableError(`lock ${key} stayed busy for ${waitMs} ms`, { reason: 'lockBusy' });
}
