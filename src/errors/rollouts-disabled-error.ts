import { WavegateError } from './wavegate-error.js';

/** Rollouts need a fleet and a Git repository; this installation has neither configured. */
export class RolloutsNotConfiguredError extends WavegateError {
  readonly code = 'ROLLOUTS_NOT_CONFIGURED';

  constructor() {
    super('rollouts are not configured here: set FLEET_FILE and GIT_REPOS_FILE (see README)');
  }
}
