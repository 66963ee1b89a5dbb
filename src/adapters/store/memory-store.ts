import type { AnalysisListFilter, AnalysisPage, AnalysisStore } from '../../core/analysis/analysis-store.js';
import type { Analysis } from '../../core/analysis/model.js';
import {
  AnalysisImmutableFieldError,
  AnalysisNotFoundError,
  StaleRevisionError,
} from '../../errors/store-errors.js';
import { clampLimit, decodeCursor, encodeCursor, sortKey } from './list-order.js';
import { createMemoryLeases } from './memory-leases.js';

/**
 * The embedded default: one process, nothing survives a restart. Every method does its work
 * synchronously before its promise settles, so each call is atomic without locks. Values are
 * structuredClone'd in and out, so callers can never reach stored state.
 */
export function createMemoryAnalysisStore(): AnalysisStore {
  const byId = new Map<string, Analysis>();
  const idByKey = new Map<string, string>();
  const leases = createMemoryLeases();
  const lookUpKey = (key: string): Analysis | undefined => {
    const id = idByKey.get(key);
    return id === undefined ? undefined : byId.get(id);
  };

  return {
    async create(analysis) {
      const existing = byId.get(analysis.id) ?? (analysis.key === null ? undefined : lookUpKey(analysis.key));
      if (existing) return { analysis: structuredClone(existing), created: false };
      byId.set(analysis.id, structuredClone(analysis));
      if (analysis.key !== null) idByKey.set(analysis.key, analysis.id);
      return { analysis: structuredClone(analysis), created: true };
    },

    async get(id) {
      const found = byId.get(id);
      return found ? structuredClone(found) : null;
    },

    async getByKey(key) {
      const found = lookUpKey(key);
      return found ? structuredClone(found) : null;
    },

    async list(filter: AnalysisListFilter): Promise<AnalysisPage> {
      const limit = clampLimit(filter.limit);
      const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
      const candidates = filter.key === undefined ? [...byId.values()] : [lookUpKey(filter.key)].filter(isDefined);
      const matching = candidates
        .filter((a) => filter.verdict === undefined || a.verdict === filter.verdict)
        .map((a) => ({ a, sk: sortKey(a) }))
        .filter(({ sk }) => after === null || sk < after)
        .sort((x, y) => (x.sk < y.sk ? 1 : x.sk > y.sk ? -1 : 0));
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(({ a }) => structuredClone(a)),
        nextCursor: matching.length > limit && last ? encodeCursor(last.sk) : null,
      };
    },

    async update(next, expectedRevision) {
      const stored = byId.get(next.id);
      if (!stored) throw new AnalysisNotFoundError(next.id);
      if (stored.key !== next.key) throw new AnalysisImmutableFieldError(next.id, 'key');
      if (sortKey(stored) !== sortKey(next)) throw new AnalysisImmutableFieldError(next.id, 'createdAt');
      if (stored.revision !== expectedRevision) throw new StaleRevisionError(next.id, expectedRevision, stored.revision);
      const written = structuredClone({ ...next, revision: expectedRevision + 1 });
      byId.set(next.id, written);
      return structuredClone(written);
    },

    async listRunning() {
      return [...byId.values()]
        .filter((a) => a.verdict === 'running')
        .map((a) => ({ id: a.id, sk: sortKey(a) }))
        .sort((x, y) => (x.sk < y.sk ? -1 : x.sk > y.sk ? 1 : 0))
        .map(({ id }) => id);
    },

    acquireLease: leases.acquireLease,
    renewLease: leases.renewLease,
    releaseLease: leases.releaseLease,

    async ping() {
      return true;
    },

    async close() {},
  };
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
