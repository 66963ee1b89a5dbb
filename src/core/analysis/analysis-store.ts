import type { Analysis, Verdict } from './model.js';
import type { LeaseStore } from '../leases.js';

/** Filters of `AnalysisStore.list`, ANDed. */
export interface AnalysisListFilter {
  key?: string;
  verdict?: Verdict;
  /** Page size: default 100, clamped to 1..1000. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque, and only valid for the store that issued it. */
  cursor?: string;
}

export interface AnalysisPage {
  items: Analysis[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/**
 * Where analyses live between ticks, across restarts and across worker processes.
 *
 * Conventions: a lookup that finds nothing resolves `null`; `update` of a missing analysis throws
 * `AnalysisNotFoundError`. Any failure to reach the backing store throws `StoreUnavailableError`
 * (retryable). Returned objects are the caller's own copies: mutating them never changes what is stored.
 *
 * `id`, `key` and `createdAt` are fixed at creation (they feed the key index and the listing order).
 * Deliberately left out: deletion, retention and search beyond key/verdict — analyses are an audit trail.
 *
 * Its lease (core/leases.ts) keeps two processes from ticking one analysis at once.
 */
export interface AnalysisStore extends LeaseStore {
  /**
   * Insert a new analysis, stored as given (its `revision` is normally 0). If `analysis.key` is set and
   * an analysis with that key exists — or an analysis with the same id exists (a retried create) —
   * nothing is written and the existing one is returned with created=false. Atomic under concurrency,
   * across processes: two creates with one key → exactly one created.
   */
  create(analysis: Analysis): Promise<{ analysis: Analysis; created: boolean }>;

  /** The analysis with this id, or null. */
  get(id: string): Promise<Analysis | null>;

  /** The analysis created with this idempotency key, or null. */
  getByKey(key: string): Promise<Analysis | null>;

  /**
   * Newest first (by `createdAt`, ties by id). Filters are ANDed. An analysis whose verdict changes while
   * a caller pages through a verdict filter may be missed or skipped, so a page can be short; only a null
   * `nextCursor` means the end. A malformed cursor throws `InvalidCursorError`.
   */
  list(filter: AnalysisListFilter): Promise<AnalysisPage>;

  /**
   * Compare-and-set on `revision`: writes `next` with revision = expectedRevision + 1 (and returns that)
   * only if the stored revision is `expectedRevision`; else throws `StaleRevisionError`. Throws
   * `AnalysisNotFoundError` if `next.id` is not stored, `AnalysisImmutableFieldError` if `next` changes
   * `key` or `createdAt`. The `revision` carried by `next` is ignored. `updatedAt` is the caller's to set.
   */
  update(next: Analysis, expectedRevision: number): Promise<Analysis>;

  /** Ids of analyses whose verdict is 'running', oldest first (for the scheduler to resume after a restart). */
  listRunning(): Promise<string[]>;

  /** Is the backing store reachable (readiness). Never throws. */
  ping(): Promise<boolean>;

  /** Release what the store itself holds. An injected client stays open: its creator closes it. */
  close(): Promise<void>;
}
