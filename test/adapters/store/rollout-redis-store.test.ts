import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAnalysisStore } from '../../../src/adapters/store/redis-store.js';
import { createRedisRolloutStore } from '../../../src/adapters/store/rollout-redis-store.js';
import { pause } from '../../../src/core/rollout/transitions.js';
import { StoreUnavailableError } from '../../../src/errors/store-errors.js';
import { startRedis, type TestRedis } from '../../harness/redis.js';
import { makeAnalysis } from './analysis-fixture.js';
import { finished, makeRollout, T0 } from './rollout-fixture.js';
import { describeRolloutStoreContract } from './rollout-store-contract.js';

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

describeRolloutStoreContract('redis rollout store', async () => {
  const prefix = uniquePrefix();
  // Two connections, so concurrent calls race the way two worker processes would.
  return {
    store: createRedisRolloutStore({ redis: connect(), prefix }),
    peer: createRedisRolloutStore({ redis: connect(), prefix }),
  };
});

describe('redis rollout store (Redis-only behaviour)', () => {
  it('keeps rollouts and the app slot across a service restart (a new client and a new store)', async () => {
    const prefix = uniquePrefix();
    const first = connect();
    const rollout = makeRollout({ app: 'payments' });
    await createRedisRolloutStore({ redis: first, prefix }).create(rollout);
    await first.quit();

    const restarted = createRedisRolloutStore({ redis: connect(), prefix });
    expect(await restarted.get(rollout.id)).toEqual(rollout);
    expect((await restarted.list({ app: 'payments', status: 'running' })).items).toEqual([rollout]);
    expect(await restarted.listActive()).toEqual([rollout.id]);
    await expect(restarted.create(makeRollout({ app: 'payments' }))).rejects.toMatchObject({
      code: 'ROLLOUT_APP_BUSY',
      details: { activeRolloutId: rollout.id },
    });
  });

  it('reloads its scripts after SCRIPT FLUSH', async () => {
    const client = connect();
    const store = createRedisRolloutStore({ redis: client, prefix: uniquePrefix() });
    const rollout = await store.create(makeRollout());
    await client.script('FLUSH');
    expect((await store.update(finished(rollout), 0)).revision).toBe(1);
    await client.script('FLUSH');
    expect(await store.create(makeRollout({ createdAt: T0 + 1 }))).toBeTruthy();
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
      const store = createRedisRolloutStore({
        // Reconnect quickly so the test does not wait out ioredis's exponential backoff.
        redis: connect(guarded.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 }),
        prefix: uniquePrefix(),
        timeoutMs: 2_000,
      });
      const rollout = await store.create(makeRollout());
      await guarded.halt();
      try {
        await expectUnavailable(() => store.get(rollout.id));
        await expectUnavailable(() => store.create(makeRollout({ app: 'search' })));
        await expectUnavailable(() => store.update(finished(rollout), 0));
        await expectUnavailable(() => store.list({ app: 'payments' }));
        await expectUnavailable(() => store.listActive());
        await expectUnavailable(() => store.acquireLease(rollout.id, 'w', 10_000, Date.now()));
        expect(await store.ping()).toBe(false);
      } finally {
        await guarded.resume();
      }
      // The same client reconnects by itself; nothing was written while Redis was down.
      await expect.poll(() => store.ping(), { timeout: 10_000 }).toBe(true);
      expect(await store.listActive()).toEqual([rollout.id]);
      expect((await store.update(finished(rollout), 0)).revision).toBe(1);
    });

    it('bounds a call by timeoutMs even when the client would queue it for long', async () => {
      // Default ioredis options: commands wait in the offline queue through ~20 reconnect attempts.
      const store = createRedisRolloutStore({ redis: connect(guarded.url), prefix: uniquePrefix(), timeoutMs: 300 });
      expect(await store.ping()).toBe(true);
      await guarded.halt();
      try {
        const started = Date.now();
        await expectUnavailable(() => store.create(makeRollout()));
        expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        await guarded.resume();
      }
      await expect.poll(() => store.ping(), { timeout: 10_000 }).toBe(true);
    });

    it('reports a wrong password as unavailable, without echoing either password', async () => {
      const url = guarded.url.replace(secret, 'wrong-pass-9');
      const store = createRedisRolloutStore({ redis: connect(url, { maxRetriesPerRequest: 1 }), prefix: uniquePrefix(), timeoutMs: 1_000 });
      await expectUnavailable(() => store.get('x'));
      const error = await store.get('x').catch((err: Error) => err);
      expect(String((error as Error).message)).not.toContain('wrong-pass-9');
      expect(await store.ping()).toBe(false);
    });
  });

  describe('key prefix', () => {
    it('writes only keys under its prefix, and empties the slot and status sets a rollout leaves', async () => {
      const client = connect();
      const prefix = uniquePrefix();
      const store = createRedisRolloutStore({ redis: client, prefix });
      const before = new Set(await client.keys('*'));
      const rollout = await store.create(makeRollout({ app: 'pay:ments' }));
      const paused = await store.update(pause(rollout, 'waiting', T0 + 1), 0);
      await store.update(finished(paused, 'rolledBack'), 1);
      await store.acquireLease(rollout.id, 'w', 10_000, Date.now());
      const added = (await client.keys('*')).filter((k) => !before.has(k));
      // The emptied running and paused sets and the emptied active-slot hash are gone.
      expect(added.sort()).toEqual(
        [
          `${prefix}rollout:${rollout.id}`,
          `${prefix}rollouts`,
          `${prefix}rollouts:status:rolledBack`,
          `${prefix}rollouts:app:pay:ments`,
          `${prefix}rollouts:status:rolledBack:app:pay:ments`,
          `${prefix}rollout-lease:${rollout.id}`,
        ].sort(),
      );
    });

    it('keeps two prefixes apart: rollouts, app slots, listings, active ids and leases', async () => {
      const client = connect();
      const blue = createRedisRolloutStore({ redis: client, prefix: uniquePrefix() });
      const green = createRedisRolloutStore({ redis: client, prefix: uniquePrefix() });
      const rollout = await blue.create(makeRollout({ app: 'payments' }));
      await blue.acquireLease(rollout.id, 'w', 10_000, Date.now());

      expect(await green.get(rollout.id)).toBeNull();
      expect((await green.list({})).items).toEqual([]);
      expect(await green.listActive()).toEqual([]);
      expect(await green.acquireLease(rollout.id, 'w', 10_000, Date.now())).toBe(true);
      const other = await green.create(makeRollout({ app: 'payments' }));
      expect(await blue.listActive()).toEqual([rollout.id]);
      expect(await green.listActive()).toEqual([other.id]);
    });

    it('shares a prefix with the analysis store without touching its keys or leases', async () => {
      const client = connect();
      const prefix = uniquePrefix();
      const rollouts = createRedisRolloutStore({ redis: client, prefix });
      const analyses = createRedisAnalysisStore({ redis: client, prefix });
      const id = randomUUID();
      await analyses.create(makeAnalysis({ id }));
      expect(await analyses.acquireLease(id, 'analysis-worker', 10_000, Date.now())).toBe(true);

      const rollout = await rollouts.create(makeRollout({ id }));
      expect(await rollouts.acquireLease(id, 'rollout-worker', 10_000, Date.now())).toBe(true);
      expect(await rollouts.get(id)).toEqual(rollout);
      expect((await analyses.get(id))?.verdict).toBe('running');
      expect((await analyses.list({})).items.map((a) => a.id)).toEqual([id]);
      expect((await rollouts.list({})).items.map((r) => r.id)).toEqual([id]);
    });
  });
});
