import type { RolloutStatus } from '../../core/rollout/rollout.js';
import { lua } from './redis-scripts.js';

/**
 * The Lua scripts that make the Redis rollout store's writes atomic: each checks the app slot and
 * writes the rollout hash, the slot and the indexes in one step, so no other client sees (or races) a
 * half-done create or update. Every key a script touches is passed in KEYS (none is built inside Lua).
 * Run them with `runScript` from `redis-scripts.ts`.
 */

/**
 * The order in which `UPDATE_ROLLOUT` receives the per-status zsets: KEYS[3..8] are the status sets,
 * KEYS[9..14] the same statuses' sets of the rollout's app.
 */
export const STATUS_ORDER: readonly RolloutStatus[] = ['running', 'paused', 'succeeded', 'rolledBack', 'aborted', 'failed'];

/**
 * Insert unless the id exists or the app's slot is taken; take the slot when the rollout is active.
 * KEYS: rollout hash, active-slot hash, all zset, status zset, app zset, app+status zset.
 * ARGV: app, json, revision, status, createdAt, sort key, is active ('1'|'0').
 * Returns {'ok'} | {'exists'} | {'busy', sort key of the slot holder}.
 */
export const CREATE_ROLLOUT = lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then return {'busy', held} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'revision', ARGV[3], 'status', ARGV[4], 'app', ARGV[1], 'createdAt', ARGV[5], 'sortKey', ARGV[6])
for i = 3, 6 do redis.call('ZADD', KEYS[i], 0, ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[6]) end
return {'ok'}
`);

/**
 * Compare-and-set on the revision; keeps the app slot and the status indexes in step with the status.
 * KEYS: rollout hash, active-slot hash, then the zsets of STATUS_ORDER, then the app's zsets of STATUS_ORDER.
 * ARGV: expected revision, json, new revision, new status, app, createdAt, sort key, new status is active ('1'|'0').
 * Returns {'ok'} | {'missing'} | {'immutable', 'app' | 'createdAt'} | {'stale', stored revision}
 *   | {'busy', sort key of the slot holder}.
 */
export const UPDATE_ROLLOUT = lua(`
local cur = redis.call('HMGET', KEYS[1], 'revision', 'status', 'app', 'createdAt')
if not cur[1] then return {'missing'} end
if cur[3] ~= ARGV[5] then return {'immutable', 'app'} end
if cur[4] ~= ARGV[6] then return {'immutable', 'createdAt'} end
if tonumber(cur[1]) ~= tonumber(ARGV[1]) then return {'stale', cur[1]} end
local held = redis.call('HGET', KEYS[2], ARGV[5])
if ARGV[8] == '1' then
  if held and held ~= ARGV[7] then return {'busy', held} end
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[7])
elseif held == ARGV[7] then
  redis.call('HDEL', KEYS[2], ARGV[5])
end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'revision', ARGV[3], 'status', ARGV[4])
if cur[2] ~= ARGV[4] then
  local slot = {${STATUS_ORDER.map((s, i) => `${s} = ${i}`).join(', ')}}
  local n = ${STATUS_ORDER.length}
  redis.call('ZREM', KEYS[3 + slot[cur[2]]], ARGV[7])
  redis.call('ZREM', KEYS[3 + n + slot[cur[2]]], ARGV[7])
  redis.call('ZADD', KEYS[3 + slot[ARGV[4]]], 0, ARGV[7])
  redis.call('ZADD', KEYS[3 + n + slot[ARGV[4]]], 0, ARGV[7])
end
return {'ok'}
`);
