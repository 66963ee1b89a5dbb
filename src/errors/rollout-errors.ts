import { WavegateError } from './wavegate-error.js';

/** No rollout is stored under the id asked for. */
export class RolloutNotFoundError extends WavegateError {
  readonly code = 'ROLLOUT_NOT_FOUND';

  constructor(id: string) {
    super(`Rollout ${id} does not exist`, { id });
  }
}

/**
 * A rollout cannot start: its app already has an active one (`ROLLOUT_APP_BUSY`, until that one
 * finishes or is aborted), or its id is taken (`ROLLOUT_EXISTS`). Not retryable: waiting alone does
 * not help, a person or the other rollout has to finish first.
 */
export class RolloutConflictError extends WavegateError {
  readonly code: 'ROLLOUT_APP_BUSY' | 'ROLLOUT_EXISTS';

  private constructor(code: RolloutConflictError['code'], message: string, details: Record<string, unknown>) {
    super(message, details);
    this.code = code;
  }

  static appBusy(app: string, activeRolloutId: string): RolloutConflictError {
    return new RolloutConflictError('ROLLOUT_APP_BUSY', `App ${app} already has an active rollout (${activeRolloutId})`, {
      app,
      activeRolloutId,
    });
  }

  static exists(id: string): RolloutConflictError {
    return new RolloutConflictError('ROLLOUT_EXISTS', `Rollout ${id} already exists`, { id });
  }
}

/**
 * A compare-and-set update lost: someone else wrote the rollout since the caller read it.
 * Retryable after re-reading the rollout and re-applying the change.
 */
export class StaleRolloutError extends WavegateError {
  readonly code = 'ROLLOUT_CONFLICT';
  override readonly retryable = true;

  constructor(id: string, expectedRevision: number, actualRevision: number) {
    super(`Rollout ${id} is at revision ${actualRevision}, not ${expectedRevision}`, {
      id,
      expectedRevision,
      actualRevision,
    });
  }
}

/**
 * An update tried to change a field fixed at creation (`app` or `createdAt`): a bug in the caller,
 * never retryable. Those fields feed the app slot, the indexes and the listing order.
 */
export class RolloutImmutableFieldError extends WavegateError {
  readonly code = 'ROLLOUT_IMMUTABLE_FIELD';

  constructor(id: string, field: 'app' | 'createdAt') {
    super(`Rollout ${id}: ${field} cannot change after creation`, { id, field });
  }
}
