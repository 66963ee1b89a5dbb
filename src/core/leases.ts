/**
 * The scheduling lease every store of work offers (analyses, rollouts), so that two processes never
 * work on one item at once. The lease is advisory: work that outlives it must still rely on the
 * store's compare-and-set `update`.
 */
export interface LeaseStore {
  /**
   * Take the lease of item `id` for `ttlMs`. True when `owner` now holds it. Not re-entrant: while a
   * lease is live, even its owner is refused. An expired lease can be taken by anyone. `now` is for
   * stores without a clock of their own (memory); Redis expires leases by its server clock and
   * ignores it.
   */
  acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean>;

  /**
   * Extend the lease to `ttlMs` from now if `owner` still holds it; false when it expired or another
   * owner took it (the holder must then stop before its next step). Long work renews every third of
   * its ttl (jobs/lease-keeper.ts) so a slow Prometheus or Git push does not let a second worker in.
   */
  renewLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean>;

  /** Drop the lease if `owner` holds it; a lease held by someone else (or expired and retaken) is untouched. */
  releaseLease(id: string, owner: string): Promise<void>;
}
