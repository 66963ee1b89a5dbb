import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryRolloutStore } from '../../src/adapters/store/rollout-memory-store.js';
import type { Analysis } from '../../src/core/analysis/model.js';
import { RolloutService } from '../../src/rollout/rollout-service.js';
import { fleet, plan } from '../fixtures/rollout.js';
import { manualClock } from '../harness/clock.js';

/** A world where Git and clusters always agree and analyses stay running until aborted. */
function service() {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const aborted: Array<{ id: string; reason: string }> = [];
  let n = 0;
  const running = (id: string) => ({ id, verdict: 'running' }) as unknown as Analysis;
  const svc = new RolloutService({
    store: createMemoryRolloutStore(),
    fleet: () => fleet(),
    repos: () => ['fleet'],
    renderSpecs: () => [],
    now: clock.now,
    newId: () => 'r1',
    owner: 'test',
    logger: pino({ level: 'silent' }),
    world: {
      git: { apply: async () => ({ sha: 'a'.repeat(40), created: true, attempts: 1, files: [] }), readFile: async () => 'image:\n  tag: "1.4.1"\n', history: async () => [] },
      cluster: () => ({ workloadStatus: async (ref) => ({ ref, resourceVersion: '1', generation: 1, observedGeneration: 1, replicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1, images: ['x:1.4.2'], conditions: [], converged: true, stuck: false, reason: 'ok' }), watchWorkload: async () => undefined }),
      analyses: {
        create: async () => ({ analysis: running(`a${++n}`) }),
        get: async (id) => running(id),
        abort: async (id, reason) => {
          aborted.push({ id, reason });
          return running(id);
        },
      },
      budgetGate: async () => ({ open: true, reason: 'ok' }),
      now: clock.now,
    },
  });
  return { svc, clock, aborted };
}

describe('an analysis the rollout no longer waits for', () => {
  it('is stopped when a person promotes past its step', async () => {
    const { svc, clock, aborted } = service();
    const r = await svc.submit(plan(), 'alice');
    for (let i = 0; i < 20; i++) {
      await svc.work(r.id);
      clock.advance(60_000);
    }
    const waiting = await svc.get(r.id);
    expect(waiting.stage).toMatchObject({ kind: 'analyse', analysisId: 'a1' });
    await svc.command(r.id, { kind: 'promote', by: 'erin', why: 'hotfix' });
    expect(aborted).toEqual([{ id: 'a1', reason: expect.stringMatching(/moved on without this analysis/) }]);
  });
});
