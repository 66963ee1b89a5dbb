import { randomUUID } from 'node:crypto';
import { newRollout } from '../../../src/core/rollout/new-rollout.js';
import type { Rollout, RolloutStatus } from '../../../src/core/rollout/rollout.js';
import { finish } from '../../../src/core/rollout/transitions.js';
import { fleet, plan } from '../../fixtures/rollout.js';

export const T0 = 1_700_000_000_000;

/** A freshly submitted (running) rollout of `app` over the demo fleet; override what a test cares about. */
export function makeRollout(overrides: Partial<Rollout> = {}): Rollout {
  const createdAt = overrides.createdAt ?? T0;
  const submitted = newRollout({ id: randomUUID(), plan: plan({ app: overrides.app ?? 'payments' }), fleet: fleet(), now: createdAt, by: 'alice' });
  return { ...submitted, ...overrides };
}

export type FinalStatus = Exclude<RolloutStatus, 'running' | 'paused'>;

/** `r` moved to a final status the way the core finishes a rollout. */
export function finished(r: Rollout, status: FinalStatus = 'succeeded'): Rollout {
  return finish(r, status, r.updatedAt + 60_000);
}
