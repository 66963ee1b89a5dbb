import { describe, expect, it } from 'vitest';
import { createRedisGuard, redactCredentials } from '../../../src/adapters/store/redis-guard.js';
import { StaleRevisionError, StoreUnavailableError } from '../../../src/errors/store-errors.js';

describe('redis guard', () => {
  it('removes URL user info and the known password from a reason', () => {
    expect(redactCredentials('cannot reach redis://admin:pa55@10.0.0.1:6379/0', undefined)).toBe(
      'cannot reach redis://***@10.0.0.1:6379/0',
    );
    expect(redactCredentials('auth pa55 failed; pa55 again', 'pa55')).toBe('auth *** failed; *** again');
  });

  it('wraps client errors as StoreUnavailableError with a redacted cause, passing domain errors through', async () => {
    const guarded = createRedisGuard({ timeoutMs: 1_000, password: 'pa55' });
    const failure = Object.assign(new Error('connect ECONNREFUSED, password pa55'), { code: 'ECONNREFUSED' });
    const error = await guarded('get', () => Promise.reject(failure)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe('Store unavailable (get): connect ECONNREFUSED, password ***');
    // Loggers print causes, so the cause is a redacted copy (message, stack, code), not the original.
    expect((error as Error).cause).toMatchObject({ message: 'connect ECONNREFUSED, password ***', code: 'ECONNREFUSED' });
    expect(String(((error as Error).cause as Error).stack)).not.toContain('pa55');
    const stale = new StaleRevisionError('a', 1, 2);
    await expect(guarded('update', () => Promise.reject(stale))).rejects.toBe(stale);
  });

  it('gives up after timeoutMs', async () => {
    const guarded = createRedisGuard({ timeoutMs: 20 });
    await expect(guarded('get', () => new Promise(() => {}))).rejects.toThrow(/did not answer within 20 ms/);
  });
});
