import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryAnalysisStore } from '../../src/adapters/store/memory-store.js';
import { AnalysisService } from '../../src/analysis/analysis-service.js';
import type { AnalysisStore } from '../../src/core/analysis/analysis-store.js';
import { manualClock } from '../harness/clock.js';
import { ratioSpec } from '../fixtures/specs.js';

const MIN = 60_000;

/** A store whose tick writes fail (a bug, a corrupt record), while the final write can land. */
function failingTicks(store: AnalysisStore): AnalysisStore {
  return { ...store, update: async (next, rev) => (next.verdict === 'running' ? Promise.reject(new Error('disk on fire')) : store.update(next, rev)) };
}

function service(now: () => number) {
  const store = failingTicks(createMemoryAnalysisStore());
  const svc = new AnalysisService({
    store,
    source: { instant: async () => ({ series: [{ labels: {}, value: 1 }], warnings: [] }), range: async () => [] },
    renderSpecs: () => [ratioSpec()],
    now,
    newId: () => 'a1',
    logger: pino({ level: 'silent' }),
    owner: 'test',
  });
  return { svc };
}

describe('a live analysis whose ticks keep failing', () => {
  it('keeps trying until its deadline, then ends inconclusive naming the error', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { svc } = service(clock.now);
    const request = { templates: ['t'], args: {}, scopes: { canary: {}, baseline: {} }, startTime: clock.now(), intervalMs: MIN, maxDurationMs: 10 * MIN, alpha: 0.01 };
    const { analysis } = await svc.create(request);
    clock.advance(5 * MIN);
    await expect(svc.tick(analysis.id)).rejects.toThrow(/disk on fire/);
    clock.advance(16 * MIN); // past the last interval (10 min) plus the 10-minute grace
    const ended = await svc.tick(analysis.id);
    expect(ended?.verdict).toBe('inconclusive');
    expect(ended?.abort?.reason).toMatch(/no tick could be completed by the deadline \(TICK_FAILED: disk on fire\)/);
  });
});
