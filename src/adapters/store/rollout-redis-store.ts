import type { Redis } from 'ioredis';
import { isActive, type Rollout, type RolloutStatus } from '../../core/rollout/rollout.js';
import type { RolloutListFilter, RolloutPage, RolloutStore } from '../../core/rollout/rollout-store.js';
import {
  RolloutConflictError,
  RolloutImmutableFieldError,
  RolloutNotFoundError,
  StaleRolloutError,
} from '../../errors/rollout-errors.js';
import { decodeJson, encodeJson } from './analysis-codec.js';
import { clampLimit, decodeCursor, encodeCursor, idOfSortKey, sortKey } from './list-order.js';
import { createRedisGuard } from './redis-guard.js';
import { redisLeases } from './redis-leases.js';
import { runScript } from './redis-scripts.js';
import { CREATE_ROLLOUT, STATUS_ORDER, UPDATE_ROLLOUT } from './rollout-redis-scripts.js';

export interface RedisRolloutStoreOptions {
  /** Injected client; the store never quits it (its creator does). */
  redis: Redis;
  /** Namespace of every key, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  /** Bound on each store call, in ms; past it the call fails with StoreUnavailableError. */
  timeoutMs?: number;
}

/**
 * Key layout under the prefix P (the analysis store's default prefix too; no key below collides with
 * its keys). Listing zsets hold every member at score 0 so that ZRANGEBYLEX orders them by sort key
 * (zero-padded createdAt, then id): exact keyset paging with one command, for every filter.
 *   P rollout:<id>                     hash: json, revision, status, app, createdAt, sortKey
 *   P rollouts:active                  hash: app → sort key of its active rollout (the app slot; feeds listActive)
 *   P rollouts                         zset: sort keys of all rollouts
 *   P rollouts:status:<s>              zset: sort keys of rollouts whose status is s
 *   P rollouts:app:<app>               zset: sort keys of the app's rollouts
 *   P rollouts:status:<s>:app:<app>    zset: sort keys of the app's rollouts whose status is s
 *   P rollout-lease:<id>               string: owner, with a PX expiry
 * Statuses never contain ':', so an app name (which may) cannot make two of these keys meet.
 * Only standalone/sentinel Redis: the scripts touch several keys without a shared hash slot.
 */
export function rolloutRedisKeys(prefix: string) {
  return {
    rollout: (id: string) => `${prefix}rollout:${id}`,
    activeSlots: `${prefix}rollouts:active`,
    all: `${prefix}rollouts`,
    status: (status: RolloutStatus) => `${prefix}rollouts:status:${status}`,
    app: (app: string) => `${prefix}rollouts:app:${app}`,
    appStatus: (app: string, status: RolloutStatus) => `${prefix}rollouts:status:${status}:app:${app}`,
    lease: (id: string) => `${prefix}rollout-lease:${id}`,
  };
}

// The analysis codec keeps Infinity/NaN through JSON and is type-agnostic except for its signature.
const encodeRollout = (r: Rollout): string => encodeJson(r);
const decodeRollout = (json: string): Rollout => decodeJson<Rollout>(json);

export function createRedisRolloutStore(options: RedisRolloutStoreOptions): RolloutStore {
  const { redis, prefix = 'wavegate:', timeoutMs = 5_000 } = options;
  const keys = rolloutRedisKeys(prefix);
  const guarded = createRedisGuard({ timeoutMs, password: redis.options.password });

  const get = async (id: string): Promise<Rollout | null> => {
    const json = await guarded('getRollout', () => redis.hget(keys.rollout(id), 'json'));
    return json === null ? null : decodeRollout(json);
  };

  /** The one listing zset that holds exactly the rollouts the filter asks for. */
  const listingSet = ({ app, status }: RolloutListFilter): string => {
    if (app !== undefined) return status === undefined ? keys.app(app) : keys.appStatus(app, status);
    return status === undefined ? keys.all : keys.status(status);
  };

  return {
    get,

    async create(r) {
      const json = encodeRollout(r);
      const reply = (await guarded('createRollout', () =>
        runScript(
          redis,
          CREATE_ROLLOUT,
          [keys.rollout(r.id), keys.activeSlots, keys.all, keys.status(r.status), keys.app(r.app), keys.appStatus(r.app, r.status)],
          [r.app, json, r.revision, r.status, String(r.createdAt), sortKey(r), isActive(r) ? '1' : '0'],
        ),
      )) as [string, string?];
      if (reply[0] === 'exists') throw RolloutConflictError.exists(r.id);
      if (reply[0] === 'busy') throw RolloutConflictError.appBusy(r.app, idOfSortKey(reply[1]!));
      return decodeRollout(json);
    },

    async list(filter: RolloutListFilter): Promise<RolloutPage> {
      const limit = clampLimit(filter.limit);
      const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
      const set = listingSet(filter);
      const members = await guarded('listRollouts', () =>
        redis.zrevrangebylex(set, after === null ? '+' : `(${after}`, '-', 'LIMIT', 0, limit + 1),
      );
      const page = members.slice(0, limit);
      const jsons = await guarded('listRollouts', () =>
        Promise.all(page.map((member) => redis.hget(keys.rollout(idOfSortKey(member)), 'json'))),
      );
      // A status may have changed between the two reads; such a rollout is left off (a short page).
      const items = jsons
        .flatMap((json) => (json === null ? [] : [decodeRollout(json)]))
        .filter((r) => filter.status === undefined || r.status === filter.status);
      const last = page.at(-1);
      return { items, nextCursor: members.length > limit && last !== undefined ? encodeCursor(last) : null };
    },

    async listActive() {
      const held = await guarded('listActiveRollouts', () => redis.hvals(keys.activeSlots));
      return held.sort().map(idOfSortKey);
    },

    async update(next, expectedRevision) {
      const written: Rollout = { ...next, revision: expectedRevision + 1 };
      const json = encodeRollout(written);
      const reply = (await guarded('updateRollout', () =>
        runScript(
          redis,
          UPDATE_ROLLOUT,
          [
            keys.rollout(next.id),
            keys.activeSlots,
            ...STATUS_ORDER.map(keys.status),
            ...STATUS_ORDER.map((s) => keys.appStatus(next.app, s)),
          ],
          [expectedRevision, json, written.revision, next.status, next.app, String(next.createdAt), sortKey(next), isActive(next) ? '1' : '0'],
        ),
      )) as [string, string?];
      switch (reply[0]) {
        case 'ok':
          return decodeRollout(json);
        case 'missing':
          throw new RolloutNotFoundError(next.id);
        case 'stale':
          throw new StaleRolloutError(next.id, expectedRevision, Number(reply[1]));
        case 'busy':
          throw RolloutConflictError.appBusy(next.app, idOfSortKey(reply[1]!));
        default:
          throw new RolloutImmutableFieldError(next.id, reply[1] === 'app' ? 'app' : 'createdAt');
      }
    },

    ...redisLeases(redis, guarded, keys.lease, 'Rollout'),

    async close() {},
  };
}
