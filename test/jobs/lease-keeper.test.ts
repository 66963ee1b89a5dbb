import pino from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createMemoryAnalysisStore } from '../../src/adapters/store/memory-store.js';
import { createMemoryRolloutStore } from '../../src/adapters/store/rollout-memory-store.js';
import { AnalysisService } from '../../src/analysis/analysis-service.js';
import { keepLease } from '../../src/jobs/lease-keeper.js';
import { ratioSpec } from '../fixtures/specs.js';
import { bakePlan, FakeWorld, rolloutService } from './rollout-world.js';

describe('keepLease', () => {
  it('renews every third of the ttl while the work goes on, and stops when told', async () => {
    let renewals = 0;
    const lease = keepLease({ ttlMs: 90, renew: async () => (renewals++, true) });
    await sleep(400);
    expect(lease.lost).toBe(false);
    expect(renewals).toBeGreaterThanOrEqual(8);
    lease.stop();
    const after = renewals;
    await sleep(100);
    expect(renewals).toBe(after);
  });

  it('reports the lease lost as soon as a renewal finds another owner', async () => {
    const lost: string[] = [];
    const lease = keepLease({ ttlMs: 60, renew: async () => false, onLost: (why) => lost.push(why) });
    await sleep(100);
    expect(lease.lost).toBe(true);
    expect(lost).toEqual(['taken']);
    lease.stop();
  });

  it('rides out a failing store for less than a ttl, and gives the lease up after a whole one', async () => {
    let failing = true;
    const lost: string[] = [];
    const lease = keepLease({ ttlMs: 300, renew: async () => (failing ? Promise.reject(new Error('redis down')) : true), onLost: (why) => lost.push(why) });
    await sleep(150);
    expect(lease.lost).toBe(false); // two failed renewals, still within the ttl
    failing = false;
    await sleep(250);
    expect(lease.lost).toBe(false);
    failing = true;
    await sleep(450);
    expect(lease.lost).toBe(true);
    expect(lost).toEqual(['unrenewed']);
    lease.stop();
  });
});

describe('a tick slower than its lease', () => {
  it('keeps the lease for its whole length, so a second worker cannot tick the same analysis meanwhile', async () => {
    const store = createMemoryAnalysisStore();
    // 1 bad request in 1,000 on each side: nothing can be decided in three intervals.
    const answer = (q: string) => ({ series: [{ labels: {}, value: q.endsWith('b') ? 1 : 1000 }], warnings: [] });
    const slow = { instant: async (q: string) => (await sleep(100), answer(q)), range: async () => [] };
    const make = (owner: string) =>
      new AnalysisService({ store, source: slow, renderSpecs: () => [ratioSpec()], now: Date.now, newId: () => 'a1', logger: pino({ level: 'silent' }), owner, leaseTtlMs: 300 });
    const first = make('first');
    const second = make('second');
    const start = Date.now() - 3 * 60_000; // three intervals are due at once: ≈ 3 × 4 × 100 ms of queries
    const { analysis } = await first.create({ templates: ['t'], args: {}, scopes: { canary: {}, baseline: {} }, startTime: start, intervalMs: 60_000, maxDurationMs: 10 * 60_000, alpha: 0.01 });
    const ticking = first.tick(analysis.id);
    await sleep(800); // well past the 300 ms ttl: only renewals can still hold the lease
    expect(await second.tick(analysis.id)).toBeNull();
    const done = await ticking;
    expect(done!.lastTickEnd).toBe(start + 3 * 60_000);
    expect(done!.measurements.length).toBe(3);
  });
});

describe('a rollout step slower than its lease', () => {
  it('keeps the lease through a slow Git push, so a second worker waits instead of pushing alongside', async () => {
    const store = createMemoryRolloutStore();
    const world = new FakeWorld();
    let slowPushes = 1;
    world.onApply = async () => {
      if (slowPushes-- > 0) await sleep(900); // the first push outlasts the 250 ms lease more than three times over
    };
    const quiet = pino({ level: 'silent' });
    const first = rolloutService({ store, world, now: Date.now, logger: quiet, owner: 'first', leaseTtlMs: 250 });
    const second = rolloutService({ store, world, now: Date.now, logger: quiet, owner: 'second', leaseTtlMs: 250 });
    const r = await first.submit(bakePlan('payments'), 'alice');
    const working = first.work(r.id);
    for (const [at, wait] of [[400, 400], [650, 250], [850, 200]] as const) {
      await sleep(wait);
      expect(await second.work(r.id), `at ${at} ms`).toBeNull();
    }
    await working;
    await second.work(r.id); // the lease is free again: the second worker carries on
    expect(world.maxInFlight.get('payments')).toBe(1);
    const trailers = world.commits.map((c) => JSON.stringify(c.trailers));
    expect(trailers.length).toBeGreaterThan(0);
    expect(new Set(trailers).size).toBe(trailers.length);
  });
});

describe('keepLease on hung work', () => {
  it('stops renewing after maxHoldMs, so the lease lapses and another worker can take over', async () => {
    let renewals = 0;
    const lease = keepLease({ ttlMs: 60, maxHoldMs: 200, renew: async () => (renewals++, true) });
    await sleep(150);
    expect(lease.lost).toBe(false);
    await sleep(250); // past the hold limit plus one ttl
    const after = renewals;
    expect(lease.lost).toBe(true);
    await sleep(100);
    expect(renewals).toBe(after);
    lease.stop();
  });
});
