import type { Rollout, RolloutStatus } from './rollout.js';
import type { LeaseStore } from '../leases.js';

/** Filters of `RolloutStore.list`, ANDed. */
export interface RolloutListFilter {
  app?: string;
  status?: RolloutStatus;
  /** Page size: default 100, clamped to 1..1000. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque, and only valid for the store that issued it. */
  cursor?: string;
}

export interface RolloutPage {
  items: Rollout[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/**
 * Where rollouts live between ticks, across restarts and across worker processes.
 *
 * The one rule the store itself enforces: **at most one active rollout per app** (active = `isActive`,
 * status running or paused). Each app has an active slot, taken by the create of its rollout and
 * freed by the update that moves it to a final status; both are atomic across processes, so two
 * submissions for one app can never both start.
 *
 * Conventions (as `AnalysisStore`): a lookup that finds nothing resolves `null`; `update` of a missing
 * rollout throws `RolloutNotFoundError`. Any failure to reach the backing store throws
 * `StoreUnavailableError` (retryable). Returned objects are the caller's own copies: mutating them
 * never changes what is stored.
 *
 * `id`, `app` and `createdAt` are fixed at creation (they feed the app slot, the indexes and the
 * listing order). Deliberately left out: deletion and retention (rollouts are an audit trail), and
 * any state-machine rule beyond the app slot — which status may follow which is the core's business.
 *
 * Its lease (core/leases.ts) keeps two processes from advancing one rollout at once.
 */
export interface RolloutStore extends LeaseStore {
  /**
   * Insert a new rollout, stored as given (its `revision` is normally 0). Refused, writing nothing, with
   * `RolloutConflictError`: `ROLLOUT_EXISTS` when a rollout with this id is stored (a retried create
   * included), else `ROLLOUT_APP_BUSY` when another rollout of `r.app` is active — whatever `r.status`
   * is. Atomic under concurrency, across processes: of two creates for one app, exactly one succeeds.
   */
  create(r: Rollout): Promise<Rollout>;

  /** The rollout with this id, or null. */
  get(id: string): Promise<Rollout | null>;

  /**
   * Newest first (by `createdAt`, ties by id). Filters are ANDed. A rollout whose status changes while
   * a caller pages through a status filter may be missed or skipped, so a page can be short; only a
   * null `nextCursor` means the end. A malformed cursor throws `InvalidCursorError`.
   */
  list(filter: RolloutListFilter): Promise<RolloutPage>;

  /** Ids of the active rollouts (one per app at most), oldest first: what a worker resumes after a restart. */
  listActive(): Promise<string[]>;

  /**
   * Compare-and-set on `revision`: writes `next` with revision = expectedRevision + 1 (and returns that)
   * only if the stored revision is `expectedRevision`; else throws `StaleRolloutError` (retryable after
   * re-reading). Keeps the app slot in step with the status: leaving running/paused frees the slot;
   * becoming active takes it, or throws `RolloutConflictError` (`ROLLOUT_APP_BUSY`) if another rollout
   * of the app holds it. Throws `RolloutNotFoundError` if `next.id` is not stored,
   * `RolloutImmutableFieldError` if `next` changes `app` or `createdAt`. Nothing is written when it
   * throws. The `revision` carried by `next` is ignored; `updatedAt` is the caller's to set.
   */
  update(next: Rollout, expectedRevision: number): Promise<Rollout>;

  /** Is the backing store reachable (readiness). Never throws. */
  ping(): Promise<boolean>;

  /** Release what the store itself holds. An injected client stays open: its creator closes it. */
  close(): Promise<void>;
}
