/** The syntax tree of the PromQL subset `promql-lite.ts` evaluates. */
export type Matcher = { label: string; op: '=' | '!=' | '=~' | '!~'; value: string };
export type Expr =
  | { kind: 'increase'; metric: string; matchers: Matcher[]; windowMs: number }
  | { kind: 'sum'; by: string[]; expr: Expr }
  | { kind: 'divide'; left: Expr; right: Expr }
  | { kind: 'vector'; value: number };

/** A query outside the subset: refused, never guessed at. */
export class UnsupportedQueryError extends Error {}

type Token = { t: 'ident' | 'string' | 'number' | 'duration' | 'punct'; v: string; at: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

export function parseDuration(text: string): number {
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos !== text.length || pos === 0) throw new UnsupportedQueryError(`"${text}" is not a duration`);
  return total;
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      const start = i++;
      let v = '';
      while (i < q.length && q[i] !== ch) {
        if (q[i] === '\\') {
          const next = q[i + 1];
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (next === undefined || escapes[next] === undefined) throw new UnsupportedQueryError(`unsupported escape at ${i}`);
          v += escapes[next];
          i += 2;
        } else v += q[i++];
      }
      if (i >= q.length) throw new UnsupportedQueryError(`unterminated string at ${start}`);
      i++;
      out.push({ t: 'string', v, at: start });
    } else if (/[0-9]/.test(ch)) {
      const m = /^(\d+(?:ms|s|m|h|d|w|y))+|^\d+(?:\.\d+)?/.exec(q.slice(i))!;
      out.push({ t: /[a-z]$/.test(m[0]) ? 'duration' : 'number', v: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_:]/.test(ch)) {
      const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(q.slice(i))!;
      out.push({ t: 'ident', v: m[0], at: i });
      i += m[0].length;
    } else {
      const two = q.slice(i, i + 2);
      const v = ['=~', '!=', '!~'].includes(two) ? two : ch;
      if (!['(', ')', '{', '}', '[', ']', ',', '/', '=', '=~', '!=', '!~'].includes(v)) throw new UnsupportedQueryError(`unexpected "${v}" at ${i}`);
      out.push({ t: 'punct', v, at: i });
      i += v.length;
    }
  }
  return out;
}

/** Parses the subset; anything else throws UnsupportedQueryError naming where. */
export function parse(query: string): Expr {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    const tok = peek();
    throw new UnsupportedQueryError(`expected ${what} ${tok ? `at ${tok.at} ("${tok.v}")` : 'at the end'} in: ${query}`);
  };
  const punct = (v: string) => (peek()?.t === 'punct' && peek()!.v === v ? (pos++, true) : false);
  const expect = (v: string) => punct(v) || fail(`"${v}"`);
  const ident = (v?: string) => {
    const tok = peek();
    if (tok?.t !== 'ident' || (v !== undefined && tok.v !== v)) return fail(v ? `"${v}"` : 'a name');
    pos++;
    return tok.v;
  };

  const labelList = (): string[] => {
    expect('(');
    const labels: string[] = [];
    if (!punct(')')) {
      do labels.push(ident());
      while (punct(','));
      expect(')');
    }
    return labels;
  };

  const selector = (): Extract<Expr, { kind: 'increase' }> => {
    const metric = ident();
    const matchers: Matcher[] = [];
    if (punct('{') && !punct('}')) {
      do {
        const label = ident();
        const op = peek();
        if (op?.t !== 'punct' || !['=', '!=', '=~', '!~'].includes(op.v)) fail('a matcher operator');
        pos++;
        const value = peek();
        if (value?.t !== 'string') fail('a quoted value');
        pos++;
        matchers.push({ label, op: op!.v as Matcher['op'], value: value!.v });
      } while (punct(',') && peek()?.v !== '}');
      expect('}');
    }
    expect('[');
    const d = peek();
    if (d?.t !== 'duration') fail('a range duration');
    pos++;
    expect(']');
    return { kind: 'increase', metric, matchers, windowMs: parseDuration(d!.v) };
  };

  const primary = (): Expr => {
    if (punct('(')) {
      const inner = expr();
      expect(')');
      return inner;
    }
    const name = ident();
    if (name === 'vector') {
      expect('(');
      const n = peek();
      if (n?.t !== 'number') fail('a number');
      pos++;
      expect(')');
      return { kind: 'vector', value: Number(n!.v) };
    }
    if (name === 'sum') {
      const by = peek()?.v === 'by' ? (pos++, labelList()) : [];
      expect('(');
      const inner = expr();
      expect(')');
      return { kind: 'sum', by, expr: inner };
    }
    if (name === 'increase') {
      expect('(');
      const inner = selector();
      expect(')');
      return inner;
    }
    return fail('sum, increase or vector');
  };

  const expr = (): Expr => {
    let left = primary();
    while (punct('/')) left = { kind: 'divide', left, right: primary() };
    return left;
  };

  const result = expr();
  if (pos < tokens.length) fail('the end of the query');
  return result;
}
