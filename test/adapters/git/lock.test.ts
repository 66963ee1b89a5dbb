import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLock, type Lock } from '../../../src/adapters/git/lock.js';
import { createRedisLock } from '../../../src/adapters/git/redis-lock.js';
import { GitUnavailableError } from '../../../src/errors/git-errors.js';
import { createTestRemote } from '../../harness/git.js';
import { startRedis, type TestRedis } from '../../harness/redis.js';
import { promotion, repositoryFor } from './fixtures.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `n` holders of one key at once; returns the most that ever held it together, and the order. */
async function contend(locks: Lock[], key: string, n: number, holdMs: number) {
  let inside = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      (locks[i % locks.length] as Lock).withLock(key, 5_000, async () => {
        inside += 1;
        most = Math.max(most, inside);
        order.push(i);
        await pause(holdMs);
        inside -= 1;
      }),
    ),
  );
  return { most, order };
}

describe('memory lock', () => {
  it('lets one holder of a key in at a time, first come first served', async () => {
    const lock = createMemoryLock();
    const { most, order } = await contend([lock], 'fleet:main', 5, 20);
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not make different keys wait for each other', async () => {
    const lock = createMemoryLock();
    let together = false;
    let first = false;
    await Promise.all([
      lock.withLock('fleet:main', 1_000, async () => {
        first = true;
        await pause(50);
      }),
      lock.withLock('fleet:release', 1_000, async () => {
        together = first;
      }),
    ]);
    expect(together).toBe(true);
  });

  it('releases the key when the holder throws', async () => {
    const lock = createMemoryLock();
    await expect(lock.withLock('k', 1_000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.withLock('k', 1_000, async () => 'next')).resolves.toBe('next');
  });

  it('gives up waiting after waitMs with a retryable GitUnavailableError, without blocking later callers', async () => {
    const lock = createMemoryLock({ waitMs: 50 });
    const holder = lock.withLock('k', 1_000, () => pause(200));
    const error = await lock.withLock('k', 1_000, async () => 'never').catch((e) => e);
    expect(error).toBeInstanceOf(GitUnavailableError);
    expect(error.details).toEqual({ reason: 'lockBusy' });
    await holder;
    await expect(lock.withLock('k', 1_000, async () => 'free again')).resolves.toBe('free again');
  });

  it('is taken by the adapter per repo+branch around every change', async () => {
    const remote = await createTestRemote();
    try {
      const keys: Array<[string, number]> = [];
      const inner = createMemoryLock();
      const spy: Lock = {
        withLock: (key, ttlMs, fn) => {
          keys.push([key, ttlMs]);
          return inner.withLock(key, ttlMs, fn);
        },
      };
      const { repository } = await repositoryFor(remote, { lock: spy, lockTtlMs: 45_000 });
      await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }));
      expect(keys).toEqual([['fleet:main', 45_000]]);
    } finally {
      await remote.cleanup();
    }
  });
});

describe('redis lock (real redis-server)', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(redis.url);
    client.on('error', () => {});
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it('lets one holder in at a time across clients, as worker processes share it', async () => {
    const prefix = `t:${randomUUID()}:`;
    const locks = [connect(), connect(), connect()].map((client) => createRedisLock({ redis: client, prefix, pollMs: 10 }));
    const { most, order } = await contend(locks, 'fleet:main', 9, 15);
    expect(most).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await connect().exists(`${prefix}fleet:main`)).toBe(0); // released
  });

  it('renews the lease while the holder works, so a slow change keeps the lock past its ttl', async () => {
    const prefix = `t:${randomUUID()}:`;
    const client = connect();
    const a = createRedisLock({ redis: client, prefix });
    const b = createRedisLock({ redis: connect(), prefix, waitMs: 100, pollMs: 10 });
    await a.withLock('k', 500, async (signal) => {
      await pause(1_500); // three leases
      expect(signal.aborted).toBe(false);
      expect(await client.pttl(`${prefix}k`)).toBeGreaterThan(0);
      await expect(b.withLock('k', 500, async () => 'got in')).rejects.toBeInstanceOf(GitUnavailableError);
    });
  });

  it('takes over a lock whose holder died, once its lease runs out', async () => {
    const prefix = `t:${randomUUID()}:`;
    const client = connect();
    await client.set(`${prefix}k`, 'crashed-worker', 'PX', 300); // nobody renews it
    const started = Date.now();
    await createRedisLock({ redis: client, prefix, pollMs: 20 }).withLock('k', 1_000, async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('aborts the holder when its lock is taken away, and never deletes the new owner\'s key', async () => {
    const prefix = `t:${randomUUID()}:`;
    const client = connect();
    const lock = createRedisLock({ redis: client, prefix });
    let abortedWith: unknown;
    await lock.withLock('k', 300, async (signal) => {
      await client.set(`${prefix}k`, 'someone-else', 'PX', 10_000); // lapsed and taken over
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      abortedWith = signal.reason;
    });
    expect(abortedWith).toBeInstanceOf(GitUnavailableError);
    expect((abortedWith as GitUnavailableError).details).toEqual({ reason: 'lockLost' });
    expect(await client.get(`${prefix}k`)).toBe('someone-else');
  });

  it('gives up waiting after waitMs with a retryable GitUnavailableError', async () => {
    const prefix = `t:${randomUUID()}:`;
    const a = createRedisLock({ redis: connect(), prefix });
    const b = createRedisLock({ redis: connect(), prefix, waitMs: 150, pollMs: 20 });
    await a.withLock('k', 5_000, async () => {
      const error = await b.withLock('k', 5_000, async () => 'never').catch((e) => e);
      expect(error).toBeInstanceOf(GitUnavailableError);
      expect(error.retryable).toBe(true);
      expect(error.details).toEqual({ reason: 'lockBusy' });
    });
  });

  it('reports an unreachable Redis as GitUnavailableError without its password', async () => {
    const client = new Redis('redis://:s3cret-pass@127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    client.on('error', () => {});
    clients.push(client);
    const error = await createRedisLock({ redis: client }).withLock('k', 1_000, async () => 'never').catch((e) => e);
    expect(error).toBeInstanceOf(GitUnavailableError);
    expect(error.details).toEqual({ reason: 'lockStore' });
    expect(JSON.stringify([error.message, error.stack])).not.toContain('s3cret-pass');
  });
});
