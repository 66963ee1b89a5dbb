import { WavegateError } from './wavegate-error.js';

/** No analysis is stored under the id (or key) asked for. */
export class AnalysisNotFoundError extends WavegateError {
  readonly code = 'ANALYSIS_NOT_FOUND';

  constructor(id: string) {
    super(`Analysis ${id} does not exist`, { id });
  }
}

/**
 * A compare-and-set update lost: someone else wrote the analysis since the caller read it.
 * Retryable after re-reading the analysis and re-applying the change.
 */
export class StaleRevisionError extends WavegateError {
  readonly code = 'ANALYSIS_CONFLICT';
  override readonly retryable = true;

  constructor(id: string, expectedRevision: number, actualRevision: number) {
    super(`Analysis ${id} is at revision ${actualRevision}, not ${expectedRevision}`, {
      id,
      expectedRevision,
      actualRevision,
    });
  }
}

/**
 * An update tried to change a field fixed at creation (`key` or `createdAt`): a bug in the caller,
 * never retryable. Those fields feed the key index and the listing order.
 */
export class AnalysisImmutableFieldError extends WavegateError {
  readonly code = 'ANALYSIS_IMMUTABLE_FIELD';

  constructor(id: string, field: 'key' | 'createdAt') {
    super(`Analysis ${id}: ${field} cannot change after creation`, { id, field });
  }
}

/** A `list` cursor that this store did not issue. */
export class InvalidCursorError extends WavegateError {
  readonly code = 'ANALYSIS_CURSOR_INVALID';

  constructor() {
    super('The cursor is not one this store returned');
  }
}

/**
 * The backing store could not be reached or did not answer in time. The message names the operation
 * and the client's reason with credentials removed; it never contains a connection URL's password.
 */
export class StoreUnavailableError extends WavegateError {
  readonly code = 'STORE_UNAVAILABLE';
  override readonly retryable = true;

  constructor(operation: string, reason: string, options?: { cause?: unknown }) {
    super(`Store unavailable (${operation}): ${reason}`, { operation }, options);
  }
}
