import type { CompiledQuery } from './compile.js';
import { escapeRegex, escapeStringContent, scopeMatcher } from './escape.js';

export interface QueryValues {
  /**
   * The value of a placeholder (`args.service`, `interval`, `window`). Values for bare positions
   * must already be validated as numbers or durations: they are copied as they are.
   */
  get(name: string): string;
  /** Label matchers to add to every series selector (already validated names). */
  scope: Record<string, string | string[]>;
}

function scopeText(scope: Record<string, string | string[]>): string {
  return Object.keys(scope)
    .sort()
    .map((name) => scopeMatcher(name, scope[name]!))
    .join(', ');
}

/** Renders a compiled query; the only inputs that reach the output unescaped are validated numbers and durations. */
export function renderQuery(query: CompiledQuery, values: QueryValues): string {
  const matchers = scopeText(values.scope);
  let out = '';
  for (const piece of query.pieces) {
    switch (piece.kind) {
      case 'text':
        out += piece.text;
        break;
      case 'value': {
        const value = values.get(piece.name);
        // A negative number right after a binary minus (`a - -1`) is valid, but parentheses keep it unambiguous.
        out += value.startsWith('-') ? `(${value})` : value;
        break;
      }
      case 'literal':
        out += '"';
        for (const part of piece.parts) {
          if ('raw' in part) out += part.raw;
          else {
            const value = values.get(part.placeholder);
            out += escapeStringContent(piece.regex ? escapeRegex(value) : value);
          }
        }
        out += '"';
        break;
      case 'scope':
        if (!matchers) break;
        if (piece.form === 'braces') out += `{${matchers}}`;
        else if (piece.form === 'first') out += matchers;
        else if (piece.form === 'append') out += `, ${matchers}`;
        else out += ` ${matchers}`;
        break;
    }
  }
  return out.trim();
}
