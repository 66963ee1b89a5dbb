/**
 * Base of every domain error. Codes are SCREAMING_SNAKE, stable, and never reused: the API returns
 * them and users match on them. Domain errors know nothing about HTTP; `src/api/error-handler.ts`
 * maps each code to a status once.
 */
export abstract class WavegateError extends Error {
  abstract readonly code: string;
  /** True when the same call may succeed later (timeouts, unavailable services). */
  readonly retryable: boolean = false;
  /** Extra machine-readable detail, e.g. { field: 'interval' }. Never secrets. */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
