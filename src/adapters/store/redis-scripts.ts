import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts that make the Redis store's writes atomic: each reads and writes the analysis hash
 * and its indexes in one step, so no other client sees (or races) a half-done create or update.
 * Every key a script touches is passed in KEYS (none is built inside Lua).
 */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Insert unless the id exists (a retried create) or the idempotency key is taken.
 * KEYS: analysis hash, key index hash, all-analyses zset, verdict zset.
 * ARGV: id, has key ('1'|'0'), key, json, revision, verdict, key as JSON, sort key.
 * Returns {1, id} when created, {0, existing id} otherwise.
 */
export const CREATE = lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, ARGV[1]} end
if ARGV[2] == '1' then
  local existing = redis.call('HGET', KEYS[2], ARGV[3])
  if existing then return {0, existing} end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
end
redis.call('HSET', KEYS[1], 'json', ARGV[4], 'revision', ARGV[5], 'verdict', ARGV[6], 'key', ARGV[7], 'sortKey', ARGV[8])
redis.call('ZADD', KEYS[3], 0, ARGV[8])
redis.call('ZADD', KEYS[4], 0, ARGV[8])
return {1, ARGV[1]}
`);

/**
 * Compare-and-set on the revision, moving the analysis between verdict sets when its verdict changes.
 * KEYS: analysis hash, then the verdict zsets of running, pass, fail, inconclusive.
 * ARGV: expected revision, json, new revision, new verdict, key as JSON, sort key.
 * Returns {'ok'} | {'missing'} | {'stale', stored revision} | {'immutable', 'key' | 'createdAt'}.
 */
export const UPDATE = lua(`
local cur = redis.call('HMGET', KEYS[1], 'revision', 'verdict', 'key', 'sortKey')
if not cur[1] then return {'missing'} end
if cur[3] ~= ARGV[5] then return {'immutable', 'key'} end
if cur[4] ~= ARGV[6] then return {'immutable', 'createdAt'} end
if tonumber(cur[1]) ~= tonumber(ARGV[1]) then return {'stale', cur[1]} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'revision', ARGV[3], 'verdict', ARGV[4])
if cur[2] ~= ARGV[4] then
  local sets = {running = KEYS[2], pass = KEYS[3], fail = KEYS[4], inconclusive = KEYS[5]}
  redis.call('ZREM', sets[cur[2]], ARGV[6])
  redis.call('ZADD', sets[ARGV[4]], 0, ARGV[6])
end
return {'ok'}
`);

/**
 * Extend a lease only while `owner` still holds it: an expired or retaken lease is not revived.
 * KEYS: lease. ARGV: owner, ttl ms. Returns 1 if extended.
 */
export const RENEW_LEASE = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/**
 * Delete the lease only if `owner` still holds it (a plain DEL could drop a lease that expired and
 * was taken by another process in the meantime). KEYS: lease. ARGV: owner. Returns 1 if deleted.
 */
export const RELEASE_LEASE = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * EVALSHA, falling back to EVAL once when the server does not know the script yet (after a restart or
 * SCRIPT FLUSH). NOSCRIPT is Redis's error code for exactly that, so matching its text is the protocol.
 */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: Array<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}
