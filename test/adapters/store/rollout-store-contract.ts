import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rollout } from '../../../src/core/rollout/rollout.js';
import type { RolloutStore } from '../../../src/core/rollout/rollout-store.js';
import { pause } from '../../../src/core/rollout/transitions.js';
import {
  RolloutConflictError,
  RolloutImmutableFieldError,
  RolloutNotFoundError,
  StaleRolloutError,
} from '../../../src/errors/rollout-errors.js';
import { InvalidCursorError } from '../../../src/errors/store-errors.js';
import { finished, makeRollout, T0, type FinalStatus } from './rollout-fixture.js';
import { leaseContract } from './lease-contract.js';

export interface RolloutStoreUnderTest {
  /** A store over fresh, empty state. */
  store: RolloutStore;
  /** A second handle on the same state, as another process holds it (its own connection where there is one). */
  peer: RolloutStore;
}

/** The behaviour every RolloutStore must have; each adapter's test file runs it against its store. */
export function describeRolloutStoreContract(name: string, makeStore: () => Promise<RolloutStoreUnderTest>): void {
  describe(`${name} (RolloutStore contract)`, () => {
    let store: RolloutStore;
    let peer: RolloutStore;

    beforeEach(async () => {
      ({ store, peer } = await makeStore());
    });
    afterEach(async () => {
      await store.close();
      if (peer !== store) await peer.close();
    });

    /** The error a call rejects with (fails the test if it resolves). */
    async function rejection(call: Promise<unknown>): Promise<unknown> {
      return call.then(
        () => expect.fail('should have thrown'),
        (err: unknown) => err,
      );
    }

    /** Create `count` finished rollouts (so one app can hold many), one millisecond apart, oldest first. */
    async function seed(count: number, pick: (i: number) => { app?: string; status?: FinalStatus } = () => ({})) {
      const created: Rollout[] = [];
      for (let i = 0; i < count; i++) {
        const { app, status = 'succeeded' } = pick(i);
        created.push(await store.create(finished(makeRollout({ createdAt: T0 + i, ...(app ? { app } : {}) }), status)));
      }
      return created;
    }

    describe('create and read', () => {
      it('returns what was created, to this process and another', async () => {
        const rollout = makeRollout();
        expect(await store.create(rollout)).toEqual(rollout);
        expect(await store.get(rollout.id)).toEqual(rollout);
        expect(await peer.get(rollout.id)).toEqual(rollout);
      });

      it('answers null for an unknown id', async () => {
        expect(await store.get(randomUUID())).toBeNull();
      });

      it('keeps non-finite numbers (no silent null), as the memory store does', async () => {
        const rollout = makeRollout();
        rollout.plan.policies = { ...rollout.plan.policies, maxStepMs: Infinity, alpha: NaN };
        await store.create(rollout);
        const stored = await peer.get(rollout.id);
        expect(stored?.plan.policies.maxStepMs).toBe(Infinity);
        expect(stored?.plan.policies.alpha).toBeNaN();
        expect(stored?.plan.policies.budgetGate).toBeNull();
      });

      it('refuses a create with an existing id (ROLLOUT_EXISTS) and keeps the original', async () => {
        const original = await store.create(finished(makeRollout()));
        const error = await rejection(peer.create({ ...original, version: '9.9.9' }));
        expect(error).toBeInstanceOf(RolloutConflictError);
        expect(error).toMatchObject({ code: 'ROLLOUT_EXISTS', retryable: false, details: { id: original.id } });
        expect(await store.get(original.id)).toEqual(original);
        expect((await store.list({})).items).toHaveLength(1);
      });
    });

    describe('one active rollout per app', () => {
      it('refuses a second rollout of a busy app (ROLLOUT_APP_BUSY, naming the active one) and writes nothing', async () => {
        const active = await store.create(makeRollout({ app: 'payments' }));
        const second = makeRollout({ app: 'payments', createdAt: T0 + 1 });
        const error = await rejection(peer.create(second));
        expect(error).toBeInstanceOf(RolloutConflictError);
        expect(error).toMatchObject({
          code: 'ROLLOUT_APP_BUSY',
          retryable: false,
          details: { app: 'payments', activeRolloutId: active.id },
        });
        expect(await store.get(second.id)).toBeNull();
        expect((await store.list({ app: 'payments' })).items.map((r) => r.id)).toEqual([active.id]);
        expect(await store.listActive()).toEqual([active.id]);
      });

      it('counts a paused rollout as active, refuses even a finished rollout of a busy app, and leaves other apps free', async () => {
        const active = await store.create(makeRollout({ app: 'payments' }));
        const paused = await store.update(pause(active, 'inconclusive', T0 + 1), 0);
        await expect(store.create(makeRollout({ app: 'payments' }))).rejects.toMatchObject({ code: 'ROLLOUT_APP_BUSY' });
        await expect(store.create(finished(makeRollout({ app: 'payments' })))).rejects.toMatchObject({ code: 'ROLLOUT_APP_BUSY' });
        const other = await store.create(makeRollout({ app: 'search', createdAt: T0 + 2 }));
        expect(await peer.listActive()).toEqual([paused.id, other.id]);
      });

      it('starts exactly one of 20 concurrent creates for one app, from two processes', async () => {
        const attempts = Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : peer).create(makeRollout({ app: 'payments', createdAt: T0 + i })),
        );
        const results = await Promise.allSettled(attempts);
        const won = results.filter((r): r is PromiseFulfilledResult<Rollout> => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const winner = won[0]!.value;
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'ROLLOUT_APP_BUSY', details: { activeRolloutId: winner.id } });
        }
        expect((await store.list({ app: 'payments' })).items.map((r) => r.id)).toEqual([winner.id]);
        expect(await peer.listActive()).toEqual([winner.id]);
      });

      it.each<FinalStatus>(['succeeded', 'rolledBack', 'aborted', 'failed'])(
        'frees the app when its rollout ends %s, so the next rollout can start',
        async (status) => {
          const first = await store.create(makeRollout({ app: 'payments' }));
          await store.update(finished(first, status), 0);
          expect(await store.listActive()).toEqual([]);
          const next = await peer.create(makeRollout({ app: 'payments', createdAt: T0 + 1 }));
          expect(await store.listActive()).toEqual([next.id]);
          await expect(store.create(makeRollout({ app: 'payments' }))).rejects.toMatchObject({ code: 'ROLLOUT_APP_BUSY' });
        },
      );

      it('lets exactly one of 20 concurrent creates in once the active rollout finishes', async () => {
        const first = await store.create(makeRollout({ app: 'payments' }));
        const finishing = store.update(finished(first), 0);
        const results = await Promise.allSettled([
          finishing,
          ...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : peer).create(makeRollout({ app: 'payments', createdAt: T0 + 1 + i }))),
        ]);
        expect(results[0]!.status).toBe('fulfilled');
        const started = results.slice(1).filter((r) => r.status === 'fulfilled');
        expect(started.length).toBeLessThanOrEqual(1);
        const active = await store.listActive();
        expect(active).toHaveLength(started.length);
        if (started.length === 0) await peer.create(makeRollout({ app: 'payments', createdAt: T0 + 99 }));
        expect(await store.listActive()).toHaveLength(1);
      });

      it('lets a finished rollout become active again only while its app is free', async () => {
        const first = await store.create(makeRollout({ app: 'payments' }));
        const done = await store.update(finished(first, 'aborted'), 0);
        const second = await store.create(makeRollout({ app: 'payments', createdAt: T0 + 1 }));
        const error = await rejection(peer.update({ ...done, status: 'running' }, 1));
        expect(error).toMatchObject({ code: 'ROLLOUT_APP_BUSY', details: { app: 'payments', activeRolloutId: second.id } });
        expect(await store.get(first.id)).toEqual(done);

        await store.update(finished(second), 0);
        const reopened = await peer.update({ ...done, status: 'running' }, 1);
        expect(await store.listActive()).toEqual([reopened.id]);
      });
    });

    describe('compare-and-set update', () => {
      it('writes at the expected revision and returns revision + 1', async () => {
        const rollout = await store.create(makeRollout());
        const next = { ...rollout, epoch: 2, touched: ['eu-west-1a'], updatedAt: T0 + 5, revision: 999 };
        const written = await store.update(next, 0);
        expect(written).toEqual({ ...next, revision: 1 });
        expect(await peer.get(rollout.id)).toEqual(written);
        expect((await store.update({ ...written, epoch: 3 }, 1)).revision).toBe(2);
      });

      it('throws StaleRolloutError at a stale revision and leaves the rollout (and its app slot) alone', async () => {
        const rollout = await store.create(makeRollout());
        await store.update({ ...rollout, epoch: 2 }, 0);
        const error = await rejection(store.update(finished(rollout, 'failed'), 0));
        expect(error).toBeInstanceOf(StaleRolloutError);
        expect(error).toMatchObject({ code: 'ROLLOUT_CONFLICT', retryable: true, details: { id: rollout.id, expectedRevision: 0, actualRevision: 1 } });
        expect(await store.get(rollout.id)).toMatchObject({ status: 'running', epoch: 2, revision: 1 });
        expect(await store.listActive()).toEqual([rollout.id]);
      });

      it('throws RolloutNotFoundError for a rollout that was never created', async () => {
        const error = await rejection(store.update(makeRollout(), 0));
        expect(error).toBeInstanceOf(RolloutNotFoundError);
        expect(error).toMatchObject({ code: 'ROLLOUT_NOT_FOUND' });
        expect(await store.listActive()).toEqual([]);
      });

      it('refuses to change the app or createdAt', async () => {
        const rollout = await store.create(makeRollout({ app: 'payments' }));
        await expect(store.update({ ...rollout, app: 'search' }, 0)).rejects.toBeInstanceOf(RolloutImmutableFieldError);
        await expect(store.update({ ...finished(rollout), app: 'search' }, 0)).rejects.toMatchObject({ details: { field: 'app' } });
        await expect(store.update({ ...rollout, createdAt: T0 + 1 }, 0)).rejects.toMatchObject({ details: { field: 'createdAt' } });
        expect(await store.get(rollout.id)).toEqual(rollout);
        expect(await store.listActive()).toEqual([rollout.id]);
        expect((await store.list({ app: 'search' })).items).toEqual([]);
      });

      it('lets exactly one of 10 concurrent updates at one revision win', async () => {
        const rollout = await store.create(makeRollout());
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : peer).update({ ...rollout, epoch: 10 + i }, 0)),
        );
        const won = results.filter((r): r is PromiseFulfilledResult<Rollout> => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleRolloutError);
        expect(await store.get(rollout.id)).toEqual(won[0]!.value);
      });
    });

    describe('list', () => {
      it('lists newest first, ties broken by id (descending)', async () => {
        const [older, newer] = await seed(2);
        const tied = newer!.createdAt + 1;
        for (const id of ['tie-b', 'tie-c', 'tie-a']) await store.create(finished(makeRollout({ id, createdAt: tied })));
        const ids = (await store.list({})).items.map((x) => x.id);
        expect(ids).toEqual(['tie-c', 'tie-b', 'tie-a', newer!.id, older!.id]);
      });

      it('filters by app and by status, ANDed', async () => {
        const apps = ['payments', 'search', 'ledger'];
        const statuses = ['succeeded', 'rolledBack', 'aborted', 'failed'] as const;
        const all = await seed(12, (i) => ({ app: apps[i % 3], status: statuses[i % 4] }));
        const running = await store.create(makeRollout({ app: 'payments', createdAt: T0 + 12 }));
        const ids = (rs: Rollout[]) => rs.map((r) => r.id);
        const expected = (keep: (r: Rollout) => boolean) => ids([...all, running].filter(keep).reverse());

        expect(ids((await store.list({ app: 'payments' })).items)).toEqual(expected((r) => r.app === 'payments'));
        expect(ids((await store.list({ status: 'failed' })).items)).toEqual(expected((r) => r.status === 'failed'));
        expect(ids((await peer.list({ app: 'search', status: 'rolledBack' })).items)).toEqual(
          expected((r) => r.app === 'search' && r.status === 'rolledBack'),
        );
        expect(ids((await store.list({ app: 'payments', status: 'running' })).items)).toEqual([running.id]);
        expect((await store.list({ app: 'ledger', status: 'running' })).items).toEqual([]);
        expect((await store.list({ app: 'unknown' })).items).toEqual([]);
        expect((await store.list({ status: 'paused' })).items).toEqual([]);
      });

      it('follows status changes in its filters', async () => {
        const rollout = await store.create(makeRollout({ app: 'payments' }));
        const paused = await store.update(pause(rollout, 'waiting', T0 + 1), 0);
        expect((await store.list({ status: 'running' })).items).toEqual([]);
        expect((await store.list({ app: 'payments', status: 'paused' })).items).toEqual([paused]);
        const done = await store.update(finished(paused, 'rolledBack'), 1);
        expect((await peer.list({ app: 'payments', status: 'paused' })).items).toEqual([]);
        expect((await peer.list({ status: 'rolledBack' })).items).toEqual([done]);
        expect((await peer.list({ app: 'payments' })).items).toEqual([done]);
      });

      it('pages with the cursor: every rollout once, in order, then a null cursor', async () => {
        const all = await seed(23, (i) => ({ app: i % 3 === 0 ? 'payments' : 'search' }));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ limit: 5, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((r) => r.id));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(5);
        expect(seen).toEqual(all.map((r) => r.id).reverse());

        const payments = all.filter((r) => r.app === 'payments').map((r) => r.id).reverse();
        const first = await peer.list({ app: 'payments', status: 'succeeded', limit: 4 });
        const second = await peer.list({ app: 'payments', status: 'succeeded', limit: 4, cursor: first.nextCursor! });
        expect([...first.items, ...second.items].map((r) => r.id)).toEqual(payments);
        expect(second.nextCursor).toBeNull();
      });

      it('does not skip rollouts created while paging (they are newer than the cursor)', async () => {
        const all = await seed(4);
        const first = await store.list({ limit: 2 });
        await store.create(makeRollout({ createdAt: T0 + 100_000 }));
        const second = await store.list({ limit: 2, cursor: first.nextCursor! });
        expect([...first.items, ...second.items].map((r) => r.id)).toEqual(all.map((r) => r.id).reverse());
      });

      it('defaults to 100 per page and clamps the limit', async () => {
        await seed(101);
        const page = await store.list({});
        expect(page.items).toHaveLength(100);
        expect(page.nextCursor).not.toBeNull();
        expect((await store.list({ limit: 0 })).items).toHaveLength(1);
        expect((await store.list({ limit: 5000 })).items).toHaveLength(101);
      });

      it('rejects a cursor it did not issue', async () => {
        await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe('active rollouts', () => {
      it('listActive follows status, oldest first', async () => {
        const [a, b, c] = await Promise.all(
          ['payments', 'search', 'ledger'].map((app, i) => store.create(makeRollout({ app, createdAt: T0 + i }))),
        );
        await store.create(finished(makeRollout({ app: 'billing', createdAt: T0 + 3 })));
        expect(await store.listActive()).toEqual([a!.id, b!.id, c!.id]);
        const pausedB = await store.update(pause(b!, 'inconclusive', T0 + 10), 0);
        expect(await peer.listActive()).toEqual([a!.id, b!.id, c!.id]);
        await store.update(finished(a!, 'failed'), 0);
        expect(await peer.listActive()).toEqual([b!.id, c!.id]);
        await store.update(finished(pausedB, 'aborted'), 1);
        expect(await store.listActive()).toEqual([c!.id]);
      });
    });

    describe('driving leases', () => {
      leaseContract(() => ({ store, peer }), 'rollout');
    });

    describe('isolation of stored state', () => {
      it('cannot be mutated through objects passed in or handed out', async () => {
        const input = makeRollout();
        const snapshot = structuredClone(input);
        const returned = await store.create(input);
        input.plan.waves[0]!.name = 'changed';
        input.events.pop();
        input.status = 'failed';
        returned.fleet.length = 0;
        const got = (await store.get(input.id))!;
        expect(got).toEqual(snapshot);
        got.waves[0]!.clusters.push('intruder');
        (await store.list({})).items[0]!.previous['eu-west-1a'] = '0.0.1';
        expect(await store.get(input.id)).toEqual(snapshot);
        expect(await store.listActive()).toEqual([input.id]);

        const next = { ...snapshot, touched: ['eu-west-1a'] };
        const written = await store.update(next, 0);
        next.touched.push('us-east-1a');
        written.touched.length = 0;
        written.status = 'succeeded';
        expect(await store.get(input.id)).toMatchObject({ touched: ['eu-west-1a'], status: 'running' });
        expect(await store.listActive()).toEqual([input.id]);
      });
    });

    it('is reachable', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
