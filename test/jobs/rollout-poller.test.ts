import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryRolloutStore } from '../../src/adapters/store/rollout-memory-store.js';
import { newRollout } from '../../src/core/rollout/new-rollout.js';
import { RolloutPoller } from '../../src/jobs/rollout-poller.js';
import { InProcessRolloutRunner, nextWork } from '../../src/jobs/rollout-runner.js';
import { fleet } from '../fixtures/rollout.js';
import { manualClock } from '../harness/clock.js';
import { waitFor } from './helpers.js';
import { bakePlan, FakeWorld, rolloutService } from './rollout-world.js';

const MIN = 60_000;
const quiet = pino({ level: 'silent' });
const runners: InProcessRolloutRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop(1_000)));
});

/** The embedded mode as build-rollouts wires it: a memory store, the service, and the poller behind the runner interface. */
function embedded(now: () => number = Date.now, pollMs = 60_000) {
  const store = createMemoryRolloutStore();
  const world = new FakeWorld();
  const wired: { runner: InProcessRolloutRunner | null } = { runner: null };
  const service = rolloutService({ store, world, now, logger: quiet, onChange: (b, a) => wired.runner?.rolloutChanged(b, a) });
  const runner = new InProcessRolloutRunner(new RolloutPoller({ store, service, logger: quiet, now, pollMs }));
  wired.runner = runner;
  runners.push(runner);
  return { store, world, service, runner };
}

describe('rollout work in process (no Redis)', () => {
  it('works a submitted rollout at once, without waiting for the next poll, and a command likewise', async () => {
    const { store, world, service, runner } = embedded(Date.now, 60_000); // a poll a minute: only wake-ups can explain speed
    await runner.start();
    await new Promise((res) => setTimeout(res, 50)); // the first (empty) pass is over
    world.convergeAfter = 0;
    const t0 = performance.now();
    const r = await service.submit(bakePlan('payments', { approveWave: 1 }), 'alice');
    await waitFor('the approval stage', async () => (await store.get(r.id))?.stage.kind === 'approval', 5_000);
    expect(performance.now() - t0).toBeLessThan(3_000); // the poll interval is 60 s: this is the wake-up
    expect(world.commits).toHaveLength(2);

    await service.command(r.id, { kind: 'approve', by: 'bob', why: 'ok' });
    const done = await waitFor('the rollout to finish', async () => {
      const x = await store.get(r.id);
      return x?.status === 'succeeded' ? x : undefined;
    }, 5_000);
    expect(done.commits).toHaveLength(5);
  });

  it('on poll(), works what is due by the injected clock', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { store, world, service, runner } = embedded(clock.now);
    world.convergeAfter = 0;
    const r = await service.submit(bakePlan('payments', { bakeMs: 5 * MIN }), 'alice');
    await runner.poll();
    expect((await store.get(r.id))!.stage).toMatchObject({ kind: 'bake', wave: 0 });
    clock.advance(5 * MIN);
    await runner.poll(); // the bake is over: the step passes, and the next wave starts in the same pass
    expect((await store.get(r.id))!.stage).toMatchObject({ kind: 'bake', wave: 1 });
  });
});

describe('when a rollout needs work', () => {
  it('is now, without pacing, when only time has moved it and nothing stored that yet', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const { service } = embedded(clock.now);
    const now = clock.now();
    const fresh = newRollout({ id: 'r', plan: bakePlan('payments'), fleet: fleet(), now });
    // The last step has passed; what remains is storing "succeeded": work for now, not idleness.
    const lastStepPassed = { ...fresh, stage: { kind: 'analyse' as const, wave: 2, step: 0, stepStart: now, analysisId: null, verdict: 'pass' as const, headline: 'ok' } };
    expect(service.nextWakeAt(lastStepPassed)).toBe(now);
    expect(nextWork(service, lastStepPassed, now)).toEqual({ at: now, outside: false });
    // A bake not over yet, one that is, a look at the clusters, and a paused rollout.
    const baking = { ...fresh, stage: { kind: 'bake' as const, wave: 0, step: 0, stepStart: now, until: now + MIN } };
    expect(nextWork(service, baking, now)).toEqual({ at: now + MIN, outside: false });
    expect(nextWork(service, baking, now + MIN)).toEqual({ at: now + MIN, outside: false });
    const converging = { ...fresh, stage: { kind: 'converge' as const, wave: 0, batch: 0, since: now, pending: ['eu-west-1a'] } };
    expect(nextWork(service, converging, now)).toEqual({ at: now, outside: true });
    expect(nextWork(service, { ...fresh, status: 'paused' }, now)).toBeNull();
  });
});
