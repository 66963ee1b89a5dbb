import type { Scope, ScopeMatchers } from '../core/analysis/model.js';
import { InvalidScopeError } from '../errors/template-errors.js';
import { MAX_VALUE_LENGTH, isWellFormed } from './values.js';

/** Prometheus label names. `__`-prefixed names are reserved (`__name__` would replace the metric). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_MATCHERS = 32;

/**
 * Checks one scope's matchers. Names are validated (they are written into the query unquoted);
 * values are only ever written escaped inside a double-quoted literal, so any text is safe there,
 * but an empty value would select series *without* the label, so it is refused.
 */
export function validateScope(scope: Scope, matchers: ScopeMatchers): void {
  if (typeof matchers !== 'object' || matchers === null || Array.isArray(matchers)) {
    throw new InvalidScopeError(`scopes.${scope}`, 'must be a mapping of label name to value');
  }
  const names = Object.keys(matchers);
  if (names.length > MAX_MATCHERS) {
    throw new InvalidScopeError(`scopes.${scope}`, `must have at most ${MAX_MATCHERS} labels`);
  }
  for (const name of names) {
    const field = `scopes.${scope}.${name}`;
    if (!LABEL_NAME.test(name)) {
      throw new InvalidScopeError(field, 'is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)');
    }
    if (name.startsWith('__')) throw new InvalidScopeError(field, 'labels starting with "__" are reserved');
    const value: unknown = matchers[name];
    if (Array.isArray(value)) {
      if (value.length === 0 || value.length > MAX_LIST_VALUES) throw new InvalidScopeError(field, `a list must have 1 to ${MAX_LIST_VALUES} values`);
      value.forEach((v, i) => validateValue(`${field}[${i}]`, v));
    } else {
      validateValue(field, value);
    }
  }
}

const MAX_LIST_VALUES = 200;

function validateValue(field: string, value: unknown): void {
  if (typeof value !== 'string') throw new InvalidScopeError(field, 'must be a string or a list of strings');
  if (value.length === 0) {
    throw new InvalidScopeError(field, 'must not be empty (an empty matcher selects series without the label)');
  }
  if (value.length > MAX_VALUE_LENGTH) throw new InvalidScopeError(field, `must be at most ${MAX_VALUE_LENGTH} characters`);
  if (!isWellFormed(value)) throw new InvalidScopeError(field, 'must be well-formed Unicode');
}
