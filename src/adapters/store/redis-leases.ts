import type { Redis } from 'ioredis';
import type { createRedisGuard } from './redis-guard.js';
import { RELEASE_LEASE, RENEW_LEASE, runScript } from './redis-scripts.js';

type Guarded = ReturnType<typeof createRedisGuard>;

/**
 * Leases and the health check shared by the Redis stores: `SET NX PX` to take a lease (expiry on the
 * server's clock), an owner-checked Lua PEXPIRE to renew it, an owner-checked Lua delete to release
 * it, PING for readiness.
 */
export function redisLeases(redis: Redis, guarded: Guarded, leaseKey: (id: string) => string, what: string) {
  return {
    async acquireLease(id: string, owner: string, ttlMs: number): Promise<boolean> {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const reply = await guarded(`acquire${what}Lease`, () => redis.set(leaseKey(id), owner, 'PX', ttl, 'NX'));
      return reply === 'OK';
    },
    async renewLease(id: string, owner: string, ttlMs: number): Promise<boolean> {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const reply = await guarded(`renew${what}Lease`, () => runScript(redis, RENEW_LEASE, [leaseKey(id)], [owner, String(ttl)]));
      return reply === 1;
    },
    async releaseLease(id: string, owner: string): Promise<void> {
      await guarded(`release${what}Lease`, () => runScript(redis, RELEASE_LEASE, [leaseKey(id)], [owner]));
    },
    async ping(): Promise<boolean> {
      try {
        return (await guarded('ping', () => redis.ping())) === 'PONG';
      } catch {
        return false;
      }
    },
  };
}
