import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAnalysisStore } from '../../../src/adapters/store/redis-store.js';
import { StoreUnavailableError } from '../../../src/errors/store-errors.js';
import { startRedis, type TestRedis } from '../../harness/redis.js';
import { makeAnalysis } from './analysis-fixture.js';
import { describeAnalysisStoreContract } from './store-contract.js';

let redis: TestRedis;
const clients: Redis[] = [];

/** A client the file quits at the end; the store never quits injected clients. */
function connect(url = redis.url, options: RedisOptions = {}): Redis {
  const client = new Redis(url, options);
  client.on('error', () => {}); // connection errors surface through the store's calls
  clients.push(client);
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

const uniquePrefix = () => `test:${randomUUID()}:`;

describeAnalysisStoreContract('redis store', async () => {
  const prefix = uniquePrefix();
  // Two connections, so concurrent calls race the way two worker processes would.
  return {
    store: createRedisAnalysisStore({ redis: connect(), prefix }),
    peer: createRedisAnalysisStore({ redis: connect(), prefix }),
  };
});

describe('redis store (Redis-only behaviour)', () => {
  it('keeps analyses across a service restart (a new client and a new store)', async () => {
    const prefix = uniquePrefix();
    const first = connect();
    const analysis = makeAnalysis({ key: 'survives' });
    await createRedisAnalysisStore({ redis: first, prefix }).create(analysis);
    await first.quit();

    const restarted = createRedisAnalysisStore({ redis: connect(), prefix });
    expect(await restarted.get(analysis.id)).toEqual(analysis);
    expect(await restarted.getByKey('survives')).toEqual(analysis);
    expect(await restarted.listRunning()).toEqual([analysis.id]);
  });

  it('keeps analyses across a Redis restart when Redis persists', async () => {
    const persistent = await startRedis({ persist: true });
    try {
      const client = connect(persistent.url);
      const store = createRedisAnalysisStore({ redis: client, prefix: uniquePrefix() });
      const analysis = makeAnalysis();
      await store.create(analysis);
      await persistent.restart();
      // The same client reconnects; the scripts are gone from the new server and get reloaded.
      expect(await store.get(analysis.id)).toEqual(analysis);
      expect((await store.update({ ...analysis, verdict: 'pass' }, 0)).revision).toBe(1);
      expect(await store.listRunning()).toEqual([]);
    } finally {
      await persistent.stop();
    }
  });

  it('reloads its scripts after SCRIPT FLUSH', async () => {
    const client = connect();
    const store = createRedisAnalysisStore({ redis: client, prefix: uniquePrefix() });
    const analysis = makeAnalysis();
    await store.create(analysis);
    await client.script('FLUSH');
    expect((await store.update({ ...analysis, score: 3 }, 0)).revision).toBe(1);
  });

  describe('when Redis is down or refuses us', () => {
    const secret = 'hunter2-s3cret';
    let guarded: TestRedis;
    beforeAll(async () => {
      guarded = await startRedis({ password: secret, persist: true });
    });
    afterAll(async () => {
      await guarded?.stop();
    });

    async function expectUnavailable(call: () => Promise<unknown>) {
      const error = await call().then(
        () => expect.fail('should have thrown'),
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
      expect(String((error as Error).message)).not.toContain(secret);
      expect(JSON.stringify((error as StoreUnavailableError).details)).not.toContain(secret);
      expect(String(((error as Error).cause as Error | undefined)?.stack)).not.toContain(secret);
    }

    it('fails with a retryable StoreUnavailableError without the password, then recovers with Redis', async () => {
      expect(guarded.url).toContain(secret);
      const store = createRedisAnalysisStore({
        // Reconnect quickly so the test does not wait out ioredis's exponential backoff.
        redis: connect(guarded.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 }),
        prefix: uniquePrefix(),
        timeoutMs: 2_000,
      });
      const analysis = makeAnalysis();
      await store.create(analysis);
      await guarded.halt();
      try {
        await expectUnavailable(() => store.get(analysis.id));
        await expectUnavailable(() => store.create(makeAnalysis()));
        await expectUnavailable(() => store.update(analysis, 0));
        await expectUnavailable(() => store.list({}));
        expect(await store.ping()).toBe(false);
      } finally {
        await guarded.resume();
      }
      // The same client reconnects by itself; the store holds no broken state.
      await expect.poll(() => store.ping(), { timeout: 10_000 }).toBe(true);
      expect((await store.update({ ...analysis, score: 1 }, 0)).revision).toBe(1);
    });

    it('bounds a call by timeoutMs even when the client would queue it for long', async () => {
      // Default ioredis options: commands wait in the offline queue through ~20 reconnect attempts.
      const store = createRedisAnalysisStore({ redis: connect(guarded.url), prefix: uniquePrefix(), timeoutMs: 300 });
      expect(await store.ping()).toBe(true);
      await guarded.halt();
      try {
        const started = Date.now();
        await expectUnavailable(() => store.get('x'));
        expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        await guarded.resume();
      }
      await expect.poll(() => store.ping(), { timeout: 10_000 }).toBe(true);
    });

    it('reports a wrong password as unavailable, without echoing either password', async () => {
      const url = guarded.url.replace(secret, 'wrong-pass-9');
      const store = createRedisAnalysisStore({ redis: connect(url, { maxRetriesPerRequest: 1 }), prefix: uniquePrefix(), timeoutMs: 1_000 });
      await expectUnavailable(() => store.get('x'));
      const error = await store.get('x').catch((err: Error) => err);
      expect(String((error as Error).message)).not.toContain('wrong-pass-9');
      expect(await store.ping()).toBe(false);
    });
  });

  describe('key prefix', () => {
    it('writes only keys under its prefix', async () => {
      const client = connect();
      const prefix = uniquePrefix();
      const store = createRedisAnalysisStore({ redis: client, prefix });
      const before = new Set(await client.keys('*'));
      const analysis = makeAnalysis({ key: 'prefixed' });
      await store.create(analysis);
      await store.update({ ...analysis, verdict: 'fail' }, 0);
      await store.acquireLease(analysis.id, 'w', 10_000, Date.now());
      const added = (await client.keys('*')).filter((k) => !before.has(k));
      // hash, key index, all-analyses zset, verdict zset (fail), lease; the emptied running zset is gone.
      expect(added.sort()).toEqual(
        [
          `${prefix}analysis:${analysis.id}`,
          `${prefix}analysis-key-index`,
          `${prefix}analyses`,
          `${prefix}analyses:verdict:fail`,
          `${prefix}lease:${analysis.id}`,
        ].sort(),
      );
    });

    it('keeps two prefixes apart: analyses, keys, listings, running ids and leases', async () => {
      const client = connect();
      const blue = createRedisAnalysisStore({ redis: client, prefix: uniquePrefix() });
      const green = createRedisAnalysisStore({ redis: client, prefix: uniquePrefix() });
      const analysis = makeAnalysis({ key: 'shared-key' });
      await blue.create(analysis);
      await blue.acquireLease(analysis.id, 'w', 10_000, Date.now());

      expect(await green.get(analysis.id)).toBeNull();
      expect(await green.getByKey('shared-key')).toBeNull();
      expect((await green.list({})).items).toEqual([]);
      expect(await green.listRunning()).toEqual([]);
      expect(await green.acquireLease(analysis.id, 'w', 10_000, Date.now())).toBe(true);
      expect((await green.create(makeAnalysis({ key: 'shared-key' }))).created).toBe(true);
      expect((await blue.list({})).items.map((a) => a.id)).toEqual([analysis.id]);
    });
  });
});
