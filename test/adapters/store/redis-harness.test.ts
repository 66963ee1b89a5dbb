import { afterEach, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.js';

describe('test Redis harness', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('fails loudly, naming the fix, when redis-server is not installed', async () => {
    process.env.PATH = '/nonexistent';
    await expect(startRedis()).rejects.toThrow(/npm run test:deps/);
  });

  it('starts a private server on a free port (never 6379) and stops it', async () => {
    const redis = await startRedis();
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    await redis.stop();
  });
});
