/**
 * Leases for the in-memory stores: one holder per id until its expiry (by the caller's clock), and
 * only the holder may release. The Redis stores do the same with `SET NX PX` and a checked release.
 */
export function createMemoryLeases() {
  const leases = new Map<string, { owner: string; expiresAt: number }>();
  return {
    async acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
      const held = leases.get(id);
      if (held && held.expiresAt > now) return false;
      leases.set(id, { owner, expiresAt: now + Math.max(1, ttlMs) });
      return true;
    },
    async renewLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
      const held = leases.get(id);
      if (!held || held.owner !== owner || held.expiresAt <= now) return false;
      held.expiresAt = now + Math.max(1, ttlMs);
      return true;
    },
    async releaseLease(id: string, owner: string): Promise<void> {
      if (leases.get(id)?.owner === owner) leases.delete(id);
    },
  };
}
