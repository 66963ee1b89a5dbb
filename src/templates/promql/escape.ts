/**
 * Escaping for values that go inside a double-quoted PromQL string literal. PromQL unquotes strings
 * with Go's rules, so a backslash, a double quote and control characters are the only things that
 * can end or bend the literal; after this, the value can only ever be the literal's content.
 */
export function escapeStringContent(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** RE2 metacharacters. Escaping them makes the value match itself literally and nothing more. */
const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/**
 * For `=~` / `!~` matcher values: the value matches only itself, so an argument such as `.*` or
 * `a|b` cannot widen the selection. Applied before `escapeStringContent` (which then doubles the
 * backslashes this adds, as a PromQL string needs).
 */
export function escapeRegex(value: string): string {
  return value.replace(RE2_META, (m) => `\\${m}`);
}

/** A label matcher `name="value"` for a scope; the name must already be validated. */
export function exactMatcher(name: string, value: string): string {
  return `${name}="${escapeStringContent(value)}"`;
}

/**
 * A scope matcher: exact for one value, an anchored alternation of literally-escaped values for a
 * list (PromQL anchors `=~` at both ends, so `a|b` matches exactly "a" or "b").
 */
export function scopeMatcher(name: string, value: string | readonly string[]): string {
  if (typeof value === 'string') return exactMatcher(name, value);
  if (value.length === 1) return exactMatcher(name, value[0]!);
  return `${name}=~"${escapeStringContent(value.map(escapeRegex).join('|'))}"`;
}
