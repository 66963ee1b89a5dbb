import { isActive, type Rollout } from '../../core/rollout/rollout.js';
import type { RolloutListFilter, RolloutPage, RolloutStore } from '../../core/rollout/rollout-store.js';
import {
  RolloutConflictError,
  RolloutImmutableFieldError,
  RolloutNotFoundError,
  StaleRolloutError,
} from '../../errors/rollout-errors.js';
import { clampLimit, decodeCursor, encodeCursor, sortKey } from './list-order.js';
import { createMemoryLeases } from './memory-leases.js';

/**
 * The embedded default: one process, nothing survives a restart. Every method does its work
 * synchronously before its promise settles, so each call (the app-slot check and its write included)
 * is atomic without locks. Values are structuredClone'd in and out, so callers can never reach stored
 * state.
 */
export function createMemoryRolloutStore(): RolloutStore {
  const byId = new Map<string, Rollout>();
  /** app → id of its active rollout: the slot that keeps one active rollout per app. */
  const activeByApp = new Map<string, string>();
  const leases = createMemoryLeases();

  return {
    async create(r) {
      if (byId.has(r.id)) throw RolloutConflictError.exists(r.id);
      const active = activeByApp.get(r.app);
      if (active !== undefined) throw RolloutConflictError.appBusy(r.app, active);
      byId.set(r.id, structuredClone(r));
      if (isActive(r)) activeByApp.set(r.app, r.id);
      return structuredClone(r);
    },

    async get(id) {
      const found = byId.get(id);
      return found ? structuredClone(found) : null;
    },

    async list(filter: RolloutListFilter): Promise<RolloutPage> {
      const limit = clampLimit(filter.limit);
      const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
      const matching = [...byId.values()]
        .filter((r) => (filter.app === undefined || r.app === filter.app) && (filter.status === undefined || r.status === filter.status))
        .map((r) => ({ r, sk: sortKey(r) }))
        .filter(({ sk }) => after === null || sk < after)
        .sort((x, y) => (x.sk < y.sk ? 1 : x.sk > y.sk ? -1 : 0));
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(({ r }) => structuredClone(r)),
        nextCursor: matching.length > limit && last ? encodeCursor(last.sk) : null,
      };
    },

    async listActive() {
      return [...activeByApp.values()]
        .map((id) => ({ id, sk: sortKey(byId.get(id)!) }))
        .sort((x, y) => (x.sk < y.sk ? -1 : x.sk > y.sk ? 1 : 0))
        .map(({ id }) => id);
    },

    async update(next, expectedRevision) {
      const stored = byId.get(next.id);
      if (!stored) throw new RolloutNotFoundError(next.id);
      if (stored.app !== next.app) throw new RolloutImmutableFieldError(next.id, 'app');
      if (stored.createdAt !== next.createdAt) throw new RolloutImmutableFieldError(next.id, 'createdAt');
      if (stored.revision !== expectedRevision) throw new StaleRolloutError(next.id, expectedRevision, stored.revision);
      const holder = activeByApp.get(next.app);
      if (isActive(next) && holder !== undefined && holder !== next.id) throw RolloutConflictError.appBusy(next.app, holder);

      const written = structuredClone({ ...next, revision: expectedRevision + 1 });
      byId.set(next.id, written);
      if (isActive(next)) activeByApp.set(next.app, next.id);
      else if (holder === next.id) activeByApp.delete(next.app);
      return structuredClone(written);
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
