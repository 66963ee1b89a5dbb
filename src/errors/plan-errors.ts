import { WavegateError } from './wavegate-error.js';

/** A rollout plan that cannot run; every problem names its field. Nothing was started. */
export class InvalidPlanError extends WavegateError {
  readonly code = 'PLAN_INVALID';

  constructor(problems: ReadonlyArray<{ field: string; reason: string }>) {
    const first = problems[0] ?? { field: 'plan', reason: 'invalid' };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${first.field}: ${first.reason}${more}`, { field: first.field, problems });
  }
}
