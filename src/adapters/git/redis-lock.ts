import { randomUUID } from 'node:crypto';
import { GitUnavailableError } from '../../errors/git-errors.js';
import { abortableSleep } from '../retry-timing.js';
import { lockBusy, type Lock } from './lock.js';

/** The two commands the lock needs; an ioredis `Redis` fits. */
export interface RedisLockClient {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export interface RedisLockOptions {
  /** Injected client; the lock never quits it. */
  redis: RedisLockClient;
  /** Namespace of the lock keys (default `wavegate:lock:`). */
  prefix?: string;
  /** How long to wait for a busy key (default 120 000 ms: longer than one change usually takes). */
  waitMs?: number;
  /** First pause between tries for a busy key; doubles up to 1 s, jittered (default 50 ms). */
  pollMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** Extend the lease only while we still own it (KEYS: lock; ARGV: token, ttl ms). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Delete only our own lock: after a lapse, the key may belong to another process (KEYS: lock; ARGV: token). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A lock shared by worker processes: `SET key token NX PX ttl` to take it, a Lua compare-and-renew
 * every ttl/3 while held, a Lua compare-and-delete to release. If renewal finds the key gone or
 * another token there — or cannot reach Redis for a whole lease — the holder's signal aborts: it may
 * no longer assume it is alone (the git push stays safe regardless, see Lock).
 */
export function createRedisLock(options: RedisLockOptions): Lock {
  const { redis, prefix = 'wavegate:lock:', waitMs = 120_000, pollMs = 50 } = options;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;

  const acquire = async (key: string, token: string, ttlMs: number): Promise<void> => {
    const deadline = now() + waitMs;
    for (let pause = pollMs; ; pause = Math.min(1_000, pause * 2)) {
      if ((await unavailableOnError(() => redis.set(key, token, 'PX', ttlMs, 'NX'))) === 'OK') return;
      if (now() >= deadline) throw lockBusy(key, waitMs);
      await sleep(Math.round(pause / 2 + (random() * pause) / 2));
    }
  };

  return {
    async withLock(name, ttlMs, fn) {
      if (!(ttlMs >= 30)) throw new TypeError('Redis lock: ttlMs must be at least 30 ms');
      const key = prefix + name;
      const token = randomUUID();
      await acquire(key, token, ttlMs);
      const lost = new AbortController();
      let renewedAt = now();
      const renew = async () => {
        try {
          if ((await redis.eval(RENEW, 1, key, token, ttlMs)) !== 1) {
            lost.abort(new GitUnavailableError(`lock ${name} was lost: its lease lapsed or another holder took it`, { reason: 'lockLost' }));
          } else renewedAt = now();
        } catch {
          if (now() - renewedAt >= ttlMs) {
            lost.abort(new GitUnavailableError(`lock ${name} could not be renewed for a whole lease`, { reason: 'lockLost' }));
          }
        }
      };
      const timer = setInterval(() => void (lost.signal.aborted || renew()), Math.max(10, Math.floor(ttlMs / 3)));
      timer.unref();
      try {
        return await fn(lost.signal);
      } finally {
        clearInterval(timer);
        // A failed release is harmless: the lease runs out by itself.
        await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      }
    },
  };
}

async function unavailableOnError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\/\/[^\s/@]*@/g, '//***@') : 'unknown error';
    throw new GitUnavailableError(`the lock store (Redis) failed: ${message}`, { reason: 'lockStore' });
  }
}
