import type { ArgType, NumberConstraint, TemplateArg } from './types.js';

/** Argument names: Argo's style (`service-name`) and identifiers alike. */
export const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Decimal numbers only: no hex, no Inf/NaN, nothing that could read as another PromQL token. */
export const NUMBER = /^-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
/** Prometheus durations, units in descending order as Prometheus requires (`1h30m`, `90s`, `500ms`). */
export const DURATION = /^(?=\d)(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
/** Long enough for any label value worth matching; short enough to keep queries readable. */
export const MAX_VALUE_LENGTH = 1024;
/** In `u` mode a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** `String.prototype.isWellFormed` (ES2024), for lib ES2023. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

export function isDuration(value: string): boolean {
  return DURATION.test(value) && /[1-9]/.test(value);
}

/** Why a value cannot be used as an argument of this type, or null when it can. */
export function checkValueType(value: string, type: ArgType): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_VALUE_LENGTH) return `must be at most ${MAX_VALUE_LENGTH} characters`;
  if (!isWellFormed(value)) return 'must be well-formed Unicode';
  if (type === 'number' && !NUMBER.test(value)) return `must be a decimal number (got ${JSON.stringify(value)})`;
  if (type === 'duration' && !isDuration(value)) {
    return `must be a Prometheus duration such as 30s, 5m or 1h30m (got ${JSON.stringify(value)})`;
  }
  return null;
}

/** The argument's pattern, anchored so it must match the whole value. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

export function checkArgValue(arg: TemplateArg, value: string): string | null {
  const typeProblem = checkValueType(value, arg.type);
  if (typeProblem) return typeProblem;
  if (arg.pattern !== undefined && !compilePattern(arg.pattern).test(value)) {
    return `must match ${arg.pattern} (got ${JSON.stringify(value)})`;
  }
  return null;
}

const CONSTRAINTS: Record<NumberConstraint, { ok: (n: number) => boolean; message: string }> = {
  positive: { ok: (n) => n > 0, message: 'must be a positive number' },
  atLeastOne: { ok: (n) => n >= 1, message: 'must be a number ≥ 1' },
  fraction: { ok: (n) => n > 0 && n < 1, message: 'must be a number between 0 and 1 (exclusive)' },
  rate: { ok: (n) => n > 0 && n <= 1, message: 'must be a number greater than 0 and at most 1' },
  nonNegativeInt: { ok: (n) => Number.isInteger(n) && n >= 0, message: 'must be a whole number ≥ 0' },
  objectivePercent: {
    ok: (n) => n > 1 && n < 100,
    message: 'must be a percentage between 1 and 100 (exclusive), e.g. 99.9',
  },
};

/** Why `n` does not satisfy the constraint, or null. */
export function checkNumber(n: number, constraint: NumberConstraint): string | null {
  const c = CONSTRAINTS[constraint];
  return Number.isFinite(n) && c.ok(n) ? null : c.message;
}

/** `99.9` → `0.999`, without the binary noise of a plain division. */
export function percentToFraction(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}
