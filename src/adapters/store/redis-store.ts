import type { Redis } from 'ioredis';
import type { AnalysisListFilter, AnalysisPage, AnalysisStore } from '../../core/analysis/analysis-store.js';
import type { Analysis, Verdict } from '../../core/analysis/model.js';
import {
  AnalysisImmutableFieldError,
  AnalysisNotFoundError,
  StaleRevisionError,
} from '../../errors/store-errors.js';
import { decodeAnalysis, encodeAnalysis } from './analysis-codec.js';
import { clampLimit, decodeCursor, encodeCursor, idOfSortKey, sortKey } from './list-order.js';
import { createRedisGuard } from './redis-guard.js';
import { redisLeases } from './redis-leases.js';
import { CREATE, UPDATE, runScript } from './redis-scripts.js';

export interface RedisAnalysisStoreOptions {
  /** Injected client; the store never quits it (its creator does). */
  redis: Redis;
  /** Namespace of every key, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  /** Bound on each store call, in ms; past it the call fails with StoreUnavailableError. */
  timeoutMs?: number;
}

const VERDICTS: readonly Verdict[] = ['running', 'pass', 'fail', 'inconclusive'];

/**
 * Key layout under the prefix P. Listing zsets hold every member at score 0 so that ZRANGEBYLEX
 * orders them by sort key (zero-padded createdAt, then id): exact keyset paging with one command.
 *   P analysis:<id>             hash: json, revision, verdict, key (JSON), sortKey
 *   P analysis-key-index        hash: idempotency key → id
 *   P analyses                  zset: sort keys of all analyses
 *   P analyses:verdict:<v>      zset: sort keys of analyses whose verdict is v ('running' feeds listRunning)
 *   P lease:<id>                string: owner, with a PX expiry
 * Only standalone/sentinel Redis: the scripts touch several keys without a shared hash slot.
 */
export function redisKeys(prefix: string) {
  return {
    analysis: (id: string) => `${prefix}analysis:${id}`,
    keyIndex: `${prefix}analysis-key-index`,
    all: `${prefix}analyses`,
    verdict: (verdict: Verdict) => `${prefix}analyses:verdict:${verdict}`,
    lease: (id: string) => `${prefix}lease:${id}`,
  };
}

export function createRedisAnalysisStore(options: RedisAnalysisStoreOptions): AnalysisStore {
  const { redis, prefix = 'wavegate:', timeoutMs = 5_000 } = options;
  const keys = redisKeys(prefix);
  const guarded = createRedisGuard({ timeoutMs, password: redis.options.password });

  const get = async (id: string): Promise<Analysis | null> => {
    const json = await guarded('get', () => redis.hget(keys.analysis(id), 'json'));
    return json === null ? null : decodeAnalysis(json);
  };

  const getByKey = async (key: string): Promise<Analysis | null> => {
    const id = await guarded('getByKey', () => redis.hget(keys.keyIndex, key));
    return id === null ? null : get(id);
  };

  return {
    get,
    getByKey,

    async create(analysis) {
      const json = encodeAnalysis(analysis);
      const reply = (await guarded('create', () =>
        runScript(
          redis,
          CREATE,
          [keys.analysis(analysis.id), keys.keyIndex, keys.all, keys.verdict(analysis.verdict)],
          [
            analysis.id,
            analysis.key === null ? '0' : '1',
            analysis.key ?? '',
            json,
            analysis.revision,
            analysis.verdict,
            JSON.stringify(analysis.key),
            sortKey(analysis),
          ],
        ),
      )) as [number, string];
      if (reply[0] === 1) return { analysis: decodeAnalysis(json), created: true };
      // Analyses are never deleted, so the one that won stays readable.
      const existing = await get(reply[1]);
      if (!existing) throw new AnalysisNotFoundError(reply[1]);
      return { analysis: existing, created: false };
    },

    async list(filter: AnalysisListFilter): Promise<AnalysisPage> {
      const limit = clampLimit(filter.limit);
      const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
      const matches = (a: Analysis) => filter.verdict === undefined || a.verdict === filter.verdict;
      if (filter.key !== undefined) {
        // Keys are unique, so this is at most one analysis and always the last page.
        const found = await getByKey(filter.key);
        const visible = found !== null && matches(found) && (after === null || sortKey(found) < after);
        return { items: visible ? [found] : [], nextCursor: null };
      }
      const set = filter.verdict === undefined ? keys.all : keys.verdict(filter.verdict);
      const members = await guarded('list', () =>
        redis.zrevrangebylex(set, after === null ? '+' : `(${after}`, '-', 'LIMIT', 0, limit + 1),
      );
      const page = members.slice(0, limit);
      const jsons = await guarded('list', () =>
        Promise.all(page.map((member) => redis.hget(keys.analysis(idOfSortKey(member)), 'json'))),
      );
      const items = jsons.flatMap((json) => (json === null ? [] : [decodeAnalysis(json)])).filter(matches);
      const last = page.at(-1);
      return { items, nextCursor: members.length > limit && last !== undefined ? encodeCursor(last) : null };
    },

    async update(next, expectedRevision) {
      const written: Analysis = { ...next, revision: expectedRevision + 1 };
      const json = encodeAnalysis(written);
      const reply = (await guarded('update', () =>
        runScript(
          redis,
          UPDATE,
          [keys.analysis(next.id), ...VERDICTS.map(keys.verdict)],
          [expectedRevision, json, written.revision, next.verdict, JSON.stringify(next.key), sortKey(next)],
        ),
      )) as [string, string?];
      switch (reply[0]) {
        case 'ok':
          return decodeAnalysis(json);
        case 'missing':
          throw new AnalysisNotFoundError(next.id);
        case 'stale':
          throw new StaleRevisionError(next.id, expectedRevision, Number(reply[1]));
        default:
          throw new AnalysisImmutableFieldError(next.id, reply[1] === 'key' ? 'key' : 'createdAt');
      }
    },

    async listRunning() {
      const members = await guarded('listRunning', () => redis.zrangebylex(keys.verdict('running'), '-', '+'));
      return members.map(idOfSortKey);
    },

    ...redisLeases(redis, guarded, keys.lease, ''),

    async close() {},
  };
}
