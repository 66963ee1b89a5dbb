import { WavegateError } from './wavegate-error.js';

/** A request field that cannot be used, named by its path (`interval`, `scopes.canary.track`). */
export class InvalidAnalysisRequestError extends WavegateError {
  readonly code = 'REQUEST_INVALID';

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`, { field, reason });
  }
}

/** A body, query string or header that is not what the route accepts. */
export class MalformedRequestError extends WavegateError {
  readonly code = 'REQUEST_MALFORMED';

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
  }
}

/** Missing or wrong API token. The message never repeats the token. */
export class UnauthorizedError extends WavegateError {
  readonly code = 'UNAUTHORIZED';

  constructor() {
    super('a valid bearer token is required');
  }
}
