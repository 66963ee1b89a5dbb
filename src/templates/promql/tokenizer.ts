/**
 * A small PromQL tokenizer: just enough structure to (1) know where every `{{placeholder}}` sits —
 * inside which string literal, or bare — and (2) find every series selector so scope matchers can be
 * added to it. It is not a parser: templates are written by operators, and Prometheus still parses
 * the rendered query. What it must get exactly right is where strings and `{…}` blocks begin and end,
 * because that is what keeps argument values inside string literals.
 *
 * Placeholders are `{{args.<name>}}`, `{{interval}}` and `{{window}}`, with optional spaces inside the
 * braces (Argo Rollouts writes `{{ args.name }}`). Comments (`# …` to the end of the line) are dropped.
 */

export type StringPart = { raw: string } | { placeholder: string };

export type Token =
  | { type: 'ws'; text: string; pos: number }
  | { type: 'ident'; text: string; pos: number }
  /** Numbers and durations (`0.5`, `1e3`, `0x1f`, `5m`, `1h30m`). */
  | { type: 'number'; text: string; pos: number }
  | { type: 'string'; quote: '"' | "'" | '`'; parts: StringPart[]; text: string; pos: number }
  | { type: 'placeholder'; name: string; text: string; pos: number }
  | { type: 'punct'; text: string; pos: number };

/** A query the tokenizer cannot read; `pos` is a 0-based character offset. */
export class PromqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const ARG_NAME = '[A-Za-z_][A-Za-z0-9_-]*';
/** What may stand between `{{` and `}}`. */
const PLACEHOLDER_BODY = new RegExp(`^\\s*(args\\.${ARG_NAME}|interval|window)\\s*$`);
const IDENT = /[A-Za-z_][A-Za-z0-9_:]*/y;
const NUMBER =
  /(?:0[xX][0-9a-fA-F]+|(?:[0-9]+(?:ms|[smhdwy]))+(?![A-Za-z0-9_])|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/y;
const WS = /[ \t\r\n]+/y;
const PUNCT2 = new Set(['=~', '!~', '!=', '==', '>=', '<=']);
const PUNCT1 = new Set(['(', ')', '{', '}', '[', ']', ',', '=', '>', '<', '+', '-', '*', '/', '%', '^', '@', ':']);

export function placeholderName(body: string, pos: number): string {
  const match = PLACEHOLDER_BODY.exec(body);
  if (!match?.[1]) {
    throw new PromqlSyntaxError(
      `unknown placeholder {{${body}}}: use {{args.<name>}}, {{interval}} or {{window}}`,
      pos,
    );
  }
  return match[1];
}

/** Reads `{{…}}` starting at `pos` (which holds `{{`); returns the name and the index after `}}`. */
function readPlaceholder(src: string, pos: number, stopAt: string): { name: string; end: number } {
  const close = src.indexOf('}}', pos + 2);
  const body = close < 0 ? '' : src.slice(pos + 2, close);
  if (close < 0 || [...stopAt].some((c) => body.includes(c))) {
    throw new PromqlSyntaxError('unterminated placeholder: "{{" without "}}"', pos);
  }
  return { name: placeholderName(body, pos), end: close + 2 };
}

function readString(src: string, pos: number): Extract<Token, { type: 'string' }> {
  const quote = src[pos] as '"' | "'" | '`';
  const parts: StringPart[] = [];
  let raw = '';
  let i = pos + 1;
  for (;;) {
    const c = src[i];
    if (c === undefined || (c === '\n' && quote !== '`')) {
      throw new PromqlSyntaxError(`unterminated string literal`, pos);
    }
    if (c === quote) break;
    if (c === '\\' && quote !== '`') {
      // An escape consumes the next character, so `\{{` is not a placeholder and `\"` does not end the string.
      if (src[i + 1] === undefined || src[i + 1] === '\n') throw new PromqlSyntaxError('unterminated string literal', pos);
      raw += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '{' && src[i + 1] === '{') {
      const { name, end } = readPlaceholder(src, i, `${quote}\n`);
      if (raw) parts.push({ raw });
      raw = '';
      parts.push({ placeholder: name });
      i = end;
      continue;
    }
    raw += c;
    i += 1;
  }
  if (raw) parts.push({ raw });
  return { type: 'string', quote, parts, text: src.slice(pos, i + 1), pos };
}

function sticky(re: RegExp, src: string, pos: number): string | undefined {
  re.lastIndex = pos;
  return re.exec(src)?.[0];
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < src.length) {
    const c = src[pos] as string;
    const ws = sticky(WS, src, pos);
    if (ws) {
      tokens.push({ type: 'ws', text: ws, pos });
      pos += ws.length;
      continue;
    }
    if (c === '#') {
      const nl = src.indexOf('\n', pos);
      pos = nl < 0 ? src.length : nl;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const token = readString(src, pos);
      tokens.push(token);
      pos += token.text.length;
      continue;
    }
    if (c === '{' && src[pos + 1] === '{') {
      const { name, end } = readPlaceholder(src, pos, '\n"\'`{');
      tokens.push({ type: 'placeholder', name, text: src.slice(pos, end), pos });
      pos = end;
      continue;
    }
    const number = /[0-9.]/.test(c) ? sticky(NUMBER, src, pos) : undefined;
    if (number) {
      tokens.push({ type: 'number', text: number, pos });
      pos += number.length;
      continue;
    }
    const ident = sticky(IDENT, src, pos);
    if (ident) {
      tokens.push({ type: 'ident', text: ident, pos });
      pos += ident.length;
      continue;
    }
    const two = src.slice(pos, pos + 2);
    const punct = PUNCT2.has(two) ? two : PUNCT1.has(c) ? c : undefined;
    if (!punct) throw new PromqlSyntaxError(`unexpected character ${JSON.stringify(c)}`, pos);
    tokens.push({ type: 'punct', text: punct, pos });
    pos += punct.length;
  }
  return tokens;
}
