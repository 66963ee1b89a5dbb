import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';

/** What the analysis and rollout stores share: scheduling leases (memory-leases.ts, redis-leases.ts). */
export interface LeaseHolder {
  acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  renewLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
}

/**
 * The lease contract, run by both store contracts inside their own `describe`: `stores()` returns
 * the store under test and a peer (a second client of the same backend, or the same object).
 */
export function leaseContract(stores: () => { store: LeaseHolder; peer: LeaseHolder }, what: string): void {
  it('is exclusive, not re-entrant, and only its owner can release it', async () => {
    const { store, peer } = stores();
    const id = randomUUID();
    expect(await store.acquireLease(id, 'worker-a', 10_000, Date.now())).toBe(true);
    expect(await peer.acquireLease(id, 'worker-b', 10_000, Date.now())).toBe(false);
    expect(await store.acquireLease(id, 'worker-a', 10_000, Date.now())).toBe(false);
    await peer.releaseLease(id, 'worker-b');
    expect(await peer.acquireLease(id, 'worker-b', 10_000, Date.now())).toBe(false);
    await store.releaseLease(id, 'worker-a');
    expect(await peer.acquireLease(id, 'worker-b', 10_000, Date.now())).toBe(true);
    expect(await store.acquireLease(randomUUID(), 'worker-a', 10_000, Date.now())).toBe(true);
  });

  it(`expires after its ttl, so a crashed owner does not block the ${what}`, async () => {
    const { store, peer } = stores();
    const id = randomUUID();
    expect(await store.acquireLease(id, 'crashed', 60, Date.now())).toBe(true);
    expect(await peer.acquireLease(id, 'worker-b', 60, Date.now())).toBe(false);
    await sleep(150);
    expect(await peer.acquireLease(id, 'worker-b', 10_000, Date.now())).toBe(true);
    await store.releaseLease(id, 'crashed');
    expect(await store.acquireLease(id, 'crashed', 10_000, Date.now())).toBe(false);
  });

  it('is renewed only by its owner, and an expired lease is not revived', async () => {
    const { store, peer } = stores();
    const id = randomUUID();
    expect(await store.acquireLease(id, 'worker-a', 100, Date.now())).toBe(true);
    expect(await peer.renewLease(id, 'worker-b', 10_000, Date.now())).toBe(false);
    expect(await peer.renewLease(id, 'worker-a', 10_000, Date.now())).toBe(true);
    await sleep(250); // past the first ttl: the renewal holds it
    expect(await peer.acquireLease(id, 'worker-b', 10_000, Date.now())).toBe(false);
    const other = randomUUID();
    expect(await store.acquireLease(other, 'worker-a', 60, Date.now())).toBe(true);
    await sleep(150);
    expect(await store.renewLease(other, 'worker-a', 10_000, Date.now())).toBe(false);
    expect(await peer.acquireLease(other, 'worker-b', 10_000, Date.now())).toBe(true);
    expect(await store.renewLease(randomUUID(), 'worker-a', 10_000, Date.now())).toBe(false);
  });
}
