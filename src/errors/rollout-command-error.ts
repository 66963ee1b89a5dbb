import { WavegateError } from './wavegate-error.js';

/** A command (pause, resume, abort, approve, promote) that the rollout's state does not allow. */
export class RolloutCommandError extends WavegateError {
  readonly code = 'ROLLOUT_COMMAND_REFUSED';

  constructor(command: string, reason: string) {
    super(`${command}: ${reason}`, { command, reason });
  }
}
