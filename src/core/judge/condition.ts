/**
 * Argo Rollouts–style conditions over a measurement (`result < 0.01`, `result[0] >= 0.95 && !isNaN(result)`).
 * A small, closed expression language — no property access, no calls beyond the listed functions —
 * so a template cannot run code. Semantics follow Argo's expr usage: NaN compares false; `result` is
 * the scalar when the query returned one value, else the list of values.
 */
export type ConditionValue = number | boolean | string | number[];

type Node =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'result' }
  | { t: 'index'; target: Node; index: Node }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'unary'; op: '!' | '-'; arg: Node }
  | { t: 'binary'; op: string; left: Node; right: Node };

export class ConditionSyntaxError extends Error {}

const FUNCTIONS: Record<string, (...args: ConditionValue[]) => ConditionValue> = {
  isNaN: (x) => typeof x === 'number' && Number.isNaN(x),
  isInf: (x) => typeof x === 'number' && !Number.isNaN(x) && !Number.isFinite(x),
  len: (x) => (Array.isArray(x) ? x.length : typeof x === 'string' ? x.length : 1),
  abs: (x) => Math.abs(num(x)),
  default: (x, d) => (x === undefined || (typeof x === 'number' && Number.isNaN(x)) || (Array.isArray(x) && x.length === 0) ? d! : x),
};

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||==|!=|<=|>=|[<>!+\-*/%()[\],]))/y;

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new ConditionSyntaxError(`unexpected character at ${pos}: '${src.slice(pos, pos + 10)}'`);
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

const PRECEDENCE: Record<string, number> = { '||': 1, or: 1, '&&': 2, and: 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };

function parse(tokens: string[]): Node {
  let i = 0;
  const peek = () => tokens[i];
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new ConditionSyntaxError(`expected '${t}' but found '${tokens[i] ?? 'end'}'`);
    i++;
  };
  const primary = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new ConditionSyntaxError('unexpected end of condition');
    if (t === '(') {
      const e = expr(0);
      expect(')');
      return postfix(e);
    }
    if (t === '!' || t === 'not') return { t: 'unary', op: '!', arg: primary() };
    if (t === '-') return { t: 'unary', op: '-', arg: primary() };
    if (/^[\d.]/.test(t)) return { t: 'num', v: Number(t) };
    if (t[0] === '"' || t[0] === "'") return { t: 'str', v: t.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (t === 'true' || t === 'false') return { t: 'bool', v: t === 'true' };
    if (t === 'NaN') return { t: 'num', v: NaN };
    if (t === 'result') return postfix({ t: 'result' });
    if (t in FUNCTIONS && peek() === '(') {
      i++;
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(expr(0));
        while (peek() === ',') {
          i++;
          args.push(expr(0));
        }
      }
      expect(')');
      return postfix({ t: 'call', name: t, args });
    }
    throw new ConditionSyntaxError(`unknown name '${t}' (use result, numbers, comparisons, && || !, and ${Object.keys(FUNCTIONS).join(', ')})`);
  };
  const postfix = (node: Node): Node => {
    while (peek() === '[') {
      i++;
      const index = expr(0);
      expect(']');
      node = { t: 'index', target: node, index };
    }
    return node;
  };
  const expr = (min: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const prec = op === undefined ? undefined : PRECEDENCE[op];
      if (prec === undefined || prec < min) break;
      i++;
      const right = expr(prec + 1);
      left = { t: 'binary', op: op === 'and' ? '&&' : op === 'or' ? '||' : op!, left, right };
    }
    return left;
  };
  const node = expr(0);
  if (i < tokens.length) throw new ConditionSyntaxError(`unexpected '${tokens[i]}'`);
  return node;
}

function num(v: ConditionValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v) && v.length === 1) return v[0]!;
  return NaN;
}

function evaluate(node: Node, result: ConditionValue): ConditionValue {
  switch (node.t) {
    case 'num':
    case 'str':
    case 'bool':
      return node.v;
    case 'result':
      return result;
    case 'index': {
      const target = evaluate(node.target, result);
      const arr = Array.isArray(target) ? target : [num(target)];
      return arr[num(evaluate(node.index, result))] ?? NaN;
    }
    case 'call':
      return FUNCTIONS[node.name]!(...node.args.map((a) => evaluate(a, result)));
    case 'unary': {
      const v = evaluate(node.arg, result);
      return node.op === '!' ? !truthy(v) : -num(v);
    }
    case 'binary':
      return binary(node.op, node.left, node.right, result);
  }
}

function binary(op: string, l: Node, r: Node, result: ConditionValue): ConditionValue {
  if (op === '&&') return truthy(evaluate(l, result)) && truthy(evaluate(r, result));
  if (op === '||') return truthy(evaluate(l, result)) || truthy(evaluate(r, result));
  const a = evaluate(l, result);
  const b = evaluate(r, result);
  if (typeof a === 'string' || typeof b === 'string') {
    if (op === '==') return a === b;
    if (op === '!=') return a !== b;
  }
  const x = num(a);
  const y = num(b);
  switch (op) {
    case '==': return x === y;
    case '!=': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    default: return x % y;
  }
}

function truthy(v: ConditionValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return v.length > 0;
}

export interface Condition {
  source: string;
  /** True when the condition holds for this measurement. */
  test(values: readonly number[]): boolean;
}

/** Parses once (throws ConditionSyntaxError with the reason), evaluates many times. */
export function compileCondition(source: string): Condition {
  const ast = parse(tokenize(source));
  return {
    source,
    test: (values) => truthy(evaluate(ast, values.length === 1 ? values[0]! : [...values])),
  };
}
