import { WavegateError } from './wavegate-error.js';

/**
 * A side effect decided at an epoch the rollout has since left (a worker that paused, froze or lost
 * its lease while someone aborted or another worker moved on). Refused, never retried: the rollout's
 * current state decides what happens next.
 */
export class StaleActionError extends WavegateError {
  readonly code = 'ROLLOUT_ACTION_STALE';

  constructor(rolloutId: string, epoch: number, now: string) {
    super(`rollout ${rolloutId}: an action decided at epoch ${epoch} is stale (the rollout is ${now})`, { rolloutId, epoch });
  }
}
