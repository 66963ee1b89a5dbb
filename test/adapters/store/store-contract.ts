import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisStore } from '../../../src/core/analysis/analysis-store.js';
import type { Analysis } from '../../../src/core/analysis/model.js';
import {
  AnalysisImmutableFieldError,
  AnalysisNotFoundError,
  InvalidCursorError,
  StaleRevisionError,
} from '../../../src/errors/store-errors.js';
import { makeAnalysis, makeMeasurements } from './analysis-fixture.js';
import { leaseContract } from './lease-contract.js';

export interface StoreUnderTest {
  /** A store over fresh, empty state. */
  store: AnalysisStore;
  /** A second handle on the same state, as another process holds it (its own connection where there is one). */
  peer: AnalysisStore;
}

/** The behaviour every AnalysisStore must have; each adapter's test file runs it against its store. */
export function describeAnalysisStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} (AnalysisStore contract)`, () => {
    let store: AnalysisStore;
    let peer: AnalysisStore;

    beforeEach(async () => {
      ({ store, peer } = await makeStore());
    });
    afterEach(async () => {
      await store.close();
      if (peer !== store) await peer.close();
    });

    /** Create `count` analyses one millisecond apart, oldest first. */
    async function seed(count: number, overrides: (i: number) => Partial<Analysis> = () => ({})) {
      const created: Analysis[] = [];
      for (let i = 0; i < count; i++) {
        created.push((await store.create(makeAnalysis({ createdAt: 1_700_000_000_000 + i, ...overrides(i) }))).analysis);
      }
      return created;
    }

    describe('create and read', () => {
      it('returns what was created, by id and by key', async () => {
        const analysis = makeAnalysis({ key: 'rollout-42-step-3' });
        const { analysis: stored, created } = await store.create(analysis);
        expect(created).toBe(true);
        expect(stored).toEqual(analysis);
        expect(await store.get(analysis.id)).toEqual(analysis);
        expect(await peer.getByKey('rollout-42-step-3')).toEqual(analysis);
      });

      it('answers null for an unknown id or key', async () => {
        expect(await store.get(randomUUID())).toBeNull();
        expect(await store.getByKey('never-used')).toBeNull();
      });

      it('keeps a large analysis (hundreds of measurements) intact', async () => {
        const analysis = makeAnalysis({ measurements: makeMeasurements(600) });
        await store.create(analysis);
        expect(await peer.get(analysis.id)).toEqual(analysis);
      });

      it('keeps non-finite numbers in evidence (no silent null)', async () => {
        const analysis = makeAnalysis({
          metrics: [
            {
              template: 'http-errors',
              name: 'error-rate',
              kind: 'ratio',
              verdict: 'running',
              critical: true,
              weight: 1,
              reason: 'no baseline events yet',
              decidedAt: null,
              evidence: {
                interval: { quantity: 'rate ratio', lower: 0, upper: Infinity, confidence: 0.95 },
                logEValue: -Infinity,
                estimates: { ratio: NaN, canaryRate: null },
                measurements: { ok: 1, nodata: 0, error: 0, consecutiveErrors: 0 },
              },
            },
          ],
        });
        await store.create(analysis);
        const evidence = (await store.get(analysis.id))?.metrics[0]?.evidence;
        expect(evidence?.interval?.upper).toBe(Infinity);
        expect(evidence?.logEValue).toBe(-Infinity);
        expect(evidence?.estimates?.ratio).toBeNaN();
        expect(evidence?.estimates?.canaryRate).toBeNull();
      });
    });

    describe('idempotent create', () => {
      it('returns the existing analysis for a taken key and writes nothing', async () => {
        const first = makeAnalysis({ key: 'k1' });
        const second = makeAnalysis({ key: 'k1', verdict: 'pass' });
        await store.create(first);
        const again = await store.create(second);
        expect(again).toEqual({ analysis: first, created: false });
        expect(await store.get(second.id)).toBeNull();
        expect((await store.list({})).items).toHaveLength(1);
      });

      it('creates exactly one of 20 concurrent creates with one key, from two processes', async () => {
        const attempts = Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : peer).create(makeAnalysis({ key: 'same-hook-call' })),
        );
        const results = await Promise.all(attempts);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const winner = results.find((r) => r.created)!.analysis;
        expect(new Set(results.map((r) => r.analysis.id))).toEqual(new Set([winner.id]));
        expect((await store.list({})).items.map((a) => a.id)).toEqual([winner.id]);
      });

      it('treats a create with an existing id as a retry: created=false, original kept', async () => {
        const original = makeAnalysis();
        await store.create(original);
        const retry = await store.create({ ...original, verdict: 'fail' });
        expect(retry).toEqual({ analysis: original, created: false });
        expect(await store.get(original.id)).toEqual(original);
      });
    });

    describe('list', () => {
      it('lists newest first, ties broken by id (descending)', async () => {
        const [older, newer] = await seed(2);
        const tied = newer!.createdAt + 1;
        for (const id of ['tie-b', 'tie-c', 'tie-a']) await store.create(makeAnalysis({ id, createdAt: tied }));
        const ids = (await store.list({})).items.map((x) => x.id);
        expect(ids).toEqual(['tie-c', 'tie-b', 'tie-a', newer!.id, older!.id]);
      });

      it('filters by verdict and by key, ANDed', async () => {
        const all = await seed(6, (i) => ({ verdict: i % 2 === 0 ? 'pass' : 'fail', key: `k${i}` }));
        const passIds = (await store.list({ verdict: 'pass' })).items.map((a) => a.id);
        expect(passIds).toEqual([all[4]!.id, all[2]!.id, all[0]!.id]);
        expect((await store.list({ key: 'k3' })).items.map((a) => a.id)).toEqual([all[3]!.id]);
        expect((await store.list({ key: 'k3', verdict: 'fail' })).items).toHaveLength(1);
        expect((await store.list({ key: 'k3', verdict: 'pass' })).items).toEqual([]);
        expect((await store.list({ key: 'unknown' })).items).toEqual([]);
        expect((await store.list({ verdict: 'inconclusive' })).items).toEqual([]);
      });

      it('pages with the cursor: every analysis once, in order, then a null cursor', async () => {
        const all = await seed(23, (i) => ({ verdict: i % 3 === 0 ? 'pass' : 'running' }));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ limit: 5, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((a) => a.id));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(5);
        expect(seen).toEqual(all.map((a) => a.id).reverse());

        const passing = all.filter((a) => a.verdict === 'pass').map((a) => a.id).reverse();
        const first = await peer.list({ verdict: 'pass', limit: 4 });
        const second = await peer.list({ verdict: 'pass', limit: 4, cursor: first.nextCursor! });
        expect([...first.items, ...second.items].map((a) => a.id)).toEqual(passing);
        expect(second.nextCursor).toBeNull();
      });

      it('does not skip analyses created while paging (they are newer than the cursor)', async () => {
        const all = await seed(4);
        const first = await store.list({ limit: 2 });
        await store.create(makeAnalysis({ createdAt: 1_800_000_000_000 }));
        const second = await store.list({ limit: 2, cursor: first.nextCursor! });
        expect([...first.items, ...second.items].map((a) => a.id)).toEqual(all.map((a) => a.id).reverse());
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

    describe('compare-and-set update', () => {
      it('writes at the expected revision and returns revision + 1', async () => {
        const { analysis } = await store.create(makeAnalysis());
        const next = { ...analysis, score: 87, lastTickEnd: analysis.lastTickEnd + 60_000, revision: 999 };
        const written = await store.update(next, 0);
        expect(written).toEqual({ ...next, revision: 1 });
        expect(await peer.get(analysis.id)).toEqual(written);
        expect((await store.update({ ...written, score: 90 }, 1)).revision).toBe(2);
      });

      it('throws StaleRevisionError at a stale revision and leaves the analysis alone', async () => {
        const { analysis } = await store.create(makeAnalysis());
        await store.update({ ...analysis, score: 50 }, 0);
        const stale = store.update({ ...analysis, score: 10 }, 0);
        await expect(stale).rejects.toBeInstanceOf(StaleRevisionError);
        await expect(stale).rejects.toMatchObject({ code: 'ANALYSIS_CONFLICT', retryable: true });
        expect(await store.get(analysis.id)).toMatchObject({ score: 50, revision: 1 });
      });

      it('throws AnalysisNotFoundError for an analysis that was never created', async () => {
        await expect(store.update(makeAnalysis(), 0)).rejects.toBeInstanceOf(AnalysisNotFoundError);
      });

      it('refuses to change the key or createdAt', async () => {
        const { analysis } = await store.create(makeAnalysis({ key: 'fixed' }));
        await expect(store.update({ ...analysis, key: 'other' }, 0)).rejects.toBeInstanceOf(AnalysisImmutableFieldError);
        await expect(store.update({ ...analysis, key: null }, 0)).rejects.toBeInstanceOf(AnalysisImmutableFieldError);
        await expect(store.update({ ...analysis, createdAt: 1 }, 0)).rejects.toBeInstanceOf(AnalysisImmutableFieldError);
        expect(await store.get(analysis.id)).toEqual(analysis);
      });

      it('lets exactly one of 10 concurrent updates at one revision win', async () => {
        const { analysis } = await store.create(makeAnalysis());
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : peer).update({ ...analysis, score: i }, 0)),
        );
        const won = results.filter((r): r is PromiseFulfilledResult<Analysis> => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleRevisionError);
        expect(await store.get(analysis.id)).toEqual(won[0]!.value);
      });
    });

    describe('running analyses', () => {
      it('listRunning follows verdict changes, oldest first', async () => {
        const [a, b, c] = await seed(3);
        expect(await store.listRunning()).toEqual([a!.id, b!.id, c!.id]);
        await store.update({ ...b!, verdict: 'pass', decidedAt: 5 }, 0);
        expect(await peer.listRunning()).toEqual([a!.id, c!.id]);
        expect((await store.list({ verdict: 'pass' })).items.map((x) => x.id)).toEqual([b!.id]);
        expect((await store.list({ verdict: 'running' })).items.map((x) => x.id)).toEqual([c!.id, a!.id]);
        await store.update({ ...a!, verdict: 'inconclusive' }, 0);
        expect(await store.listRunning()).toEqual([c!.id]);
      });
    });

    describe('scheduling leases', () => {
      leaseContract(() => ({ store, peer }), 'analysis');
    });

    describe('isolation of stored state', () => {
      it('cannot be mutated through objects passed in or handed out', async () => {
        const input = makeAnalysis({ key: 'iso', measurements: makeMeasurements(2) });
        const snapshot = structuredClone(input);
        const { analysis: returned } = await store.create(input);
        input.request.args.service = 'changed';
        input.measurements.pop();
        returned.specs.length = 0;
        const got = (await store.get(input.id))!;
        expect(got).toEqual(snapshot);
        got.metrics.push(got.metrics[0]!);
        (await store.getByKey('iso'))!.request.scopes.canary.track = 'x';
        (await store.list({})).items[0]!.verdict = 'fail';
        expect(await store.get(input.id)).toEqual(snapshot);

        const next = { ...snapshot, score: 1, measurements: makeMeasurements(3) };
        const written = await store.update(next, 0);
        next.measurements.length = 0;
        written.score = 2;
        expect(await store.get(input.id)).toMatchObject({ score: 1, measurements: makeMeasurements(3) });
      });
    });

    it('is reachable', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
