import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvictionPolicy, openBullmqConnections, readEvictionPolicy } from '../../src/jobs/bullmq/connections.js';
import { startRedis, type TestRedis } from '../harness/redis.js';
import { waitFor } from './helpers.js';

let redis: TestRedis;
const clients: Redis[] = [];
const connect = (url = redis.url) => {
  const client = new Redis(url);
  client.on('error', () => {});
  clients.push(client);
  return client;
};

beforeAll(async () => {
  redis = await startRedis(); // its own server: these tests change its eviction policy
});
afterAll(async () => {
  clients.forEach((c) => c.disconnect());
  await redis?.stop();
});

function capturingLogger() {
  const lines: Array<{ level: number; msg: string; maxmemoryPolicy?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('BullMQ connections', () => {
  it('warns when Redis may evict keys, and stays quiet with noeviction', async () => {
    const admin = connect();
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const evicting = capturingLogger();
    expect(await checkEvictionPolicy(connect(), evicting.logger)).toBe('allkeys-lru');
    expect(evicting.lines).toEqual([expect.objectContaining({ level: 40, maxmemoryPolicy: 'allkeys-lru', msg: expect.stringMatching(/not noeviction/) })]);

    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const fine = capturingLogger();
    expect(await checkEvictionPolicy(connect(), fine.logger)).toBe('noeviction');
    expect(fine.lines).toEqual([]);
  });

  it('reads the policy from INFO where CONFIG is forbidden (managed Redis)', async () => {
    const admin = connect();
    await admin.call('ACL', ['SETUSER', 'jobs', 'on', '>jobs-secret', '~*', '&*', '+@all', '-config']);
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    const limited = connect(`redis://jobs:jobs-secret@127.0.0.1:${redis.port}`);
    await expect(limited.config('GET', 'maxmemory-policy')).rejects.toThrow(/NOPERM/);
    expect(await readEvictionPolicy(limited)).toBe('volatile-lru');
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
  });

  it('opens a worker template BullMQ accepts and a fast-failing producer client, and closes both in bounded time', async () => {
    const connections = openBullmqConnections(redis.url, pino({ level: 'silent' }));
    expect(connections.worker.options.maxRetriesPerRequest).toBeNull();
    expect(connections.queue.options.maxRetriesPerRequest).toBe(2);
    expect(await connections.queue.ping()).toBe('PONG');
    await connections.close(500);
    await waitFor('the producer client to end', () => connections.queue.status === 'end', 1_000);

    const unreachable = openBullmqConnections('redis://127.0.0.1:1', pino({ level: 'silent' }));
    const t0 = performance.now();
    await unreachable.close(300);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
