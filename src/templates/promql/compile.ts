import { PromqlSyntaxError, tokenize, type StringPart, type Token } from './tokenizer.js';

/**
 * A query template cut into pieces at the only places rendering may touch: bare placeholders,
 * matcher-value string literals that hold placeholders, and the spots where scope matchers go.
 * Everything else is copied verbatim, so a rendered query differs from its template only there.
 */
export type QueryPiece =
  | { kind: 'text'; text: string }
  /** A placeholder outside any string literal: only numbers and durations may go here. */
  | { kind: 'value'; name: string }
  /** A double-quoted label-matcher value with placeholders; `regex` for `=~` / `!~`. */
  | { kind: 'literal'; regex: boolean; parts: StringPart[] }
  /**
   * Where the scope's matchers go: `braces` after a bare metric name (`up` → `up{…}`), `first` into an
   * empty block, `append` after the block's last matcher, `afterComma` after a trailing comma.
   */
  | { kind: 'scope'; form: 'braces' | 'first' | 'append' | 'afterComma' };

/** Where a placeholder was found, so the template compiler can check it against the argument's type. */
export interface PlaceholderUse {
  name: string;
  context: 'matcher' | 'bare';
  /** Bare, and inside `[…]` or right after `offset`: a duration position. */
  durationPosition: boolean;
}

export interface CompiledQuery {
  source: string;
  pieces: QueryPiece[];
  uses: PlaceholderUse[];
}

/** Keywords that take a parenthesised label list: identifiers in it are label names, not metrics. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Keywords and aggregation operators: never a metric name (PromQL matches them case-insensitively). */
const KEYWORDS = new Set([
  'and', 'or', 'unless', 'atan2', 'offset', 'bool', 'inf', 'nan',
  'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk',
  'count_values', 'quantile', 'limitk', 'limit_ratio',
]);
const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);

interface Block {
  /** Index in `pieces` of the block's last significant piece (the `{` itself while empty). */
  lastSig: number;
  lastSigText: string;
  hasContent: boolean;
  /** The matcher operator just read, while its value is expected. */
  op: string | null;
}

const isSignificant = (t: Token): boolean => t.type !== 'ws';

function nextSignificant(tokens: Token[], i: number): Token | undefined {
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j] as Token;
    if (isSignificant(t)) return t;
  }
  return undefined;
}

/** Compiles a PromQL template; throws `PromqlSyntaxError` for anything it cannot place safely. */
export function compileQuery(source: string): CompiledQuery {
  const tokens = tokenize(source);
  const pieces: QueryPiece[] = [];
  const uses: PlaceholderUse[] = [];
  const stack: Array<'(' | 'label(' | '['> = [];
  let block: Block | null = null;
  let pendingLabelList = false;
  let prev: Token | undefined;

  tokens.forEach((t, i) => {
    if (!isSignificant(t)) {
      pieces.push({ kind: 'text', text: t.text });
      return;
    }
    const opensParen = t.type === 'punct' && t.text === '(';
    if (pendingLabelList && !opensParen) pendingLabelList = false;

    switch (t.type) {
      case 'string': {
        const placeholders = t.parts.filter((p) => 'placeholder' in p);
        if (placeholders.length === 0) {
          pieces.push({ kind: 'text', text: t.text });
        } else if (block?.op && t.quote === '"') {
          pieces.push({ kind: 'literal', regex: block.op === '=~' || block.op === '!~', parts: t.parts });
          for (const p of placeholders) uses.push({ name: p.placeholder, context: 'matcher', durationPosition: false });
        } else {
          throw new PromqlSyntaxError(
            'a placeholder inside a string literal is only allowed in a double-quoted label-matcher value, ' +
              'e.g. {service="{{args.service}}"}',
            t.pos,
          );
        }
        if (block) block.op = null;
        break;
      }
      case 'placeholder': {
        if (block) throw new PromqlSyntaxError(`placeholder {{${t.name}}} inside {…} must be in a double-quoted value`, t.pos);
        const durationPosition =
          stack[stack.length - 1] === '[' || (prev?.type === 'ident' && prev.text.toLowerCase() === 'offset');
        uses.push({ name: t.name, context: 'bare', durationPosition });
        pieces.push({ kind: 'value', name: t.name });
        break;
      }
      case 'punct':
        handlePunct(t);
        break;
      case 'ident':
        pieces.push({ kind: 'text', text: t.text });
        if (!block && stack[stack.length - 1] !== 'label(') classifyIdent(t, i);
        break;
      case 'number':
        pieces.push({ kind: 'text', text: t.text });
        break;
    }
    if (block && !(t.type === 'punct' && t.text === '{')) {
      block.hasContent = true;
      block.lastSig = pieces.length - 1;
      block.lastSigText = t.text;
    }
    prev = t;
  });

  function handlePunct(t: Extract<Token, { type: 'punct' }>): void {
    switch (t.text) {
      case '{':
        if (block) throw new PromqlSyntaxError('nested "{"', t.pos);
        pieces.push({ kind: 'text', text: '{' });
        block = { lastSig: pieces.length - 1, lastSigText: '{', hasContent: false, op: null };
        return;
      case '}': {
        if (!block) throw new PromqlSyntaxError('unbalanced "}"', t.pos);
        const b: Block = block;
        const form = !b.hasContent ? 'first' : b.lastSigText === ',' ? 'afterComma' : 'append';
        pieces.splice(b.lastSig + 1, 0, { kind: 'scope', form });
        pieces.push({ kind: 'text', text: '}' });
        block = null;
        return;
      }
      case '(':
        if (block) throw new PromqlSyntaxError('"(" inside {…}', t.pos);
        stack.push(pendingLabelList ? 'label(' : '(');
        pendingLabelList = false;
        break;
      case ')':
        if (stack.pop()?.endsWith('(') !== true) throw new PromqlSyntaxError('unbalanced ")"', t.pos);
        break;
      case '[':
        stack.push('[');
        break;
      case ']':
        if (stack.pop() !== '[') throw new PromqlSyntaxError('unbalanced "]"', t.pos);
        break;
      default:
        if (block && MATCH_OPS.has(t.text)) block.op = t.text;
        else if (block) block.op = null;
    }
    pieces.push({ kind: 'text', text: t.text });
  }

  function classifyIdent(t: Extract<Token, { type: 'ident' }>, i: number): void {
    const lower = t.text.toLowerCase();
    if (LABEL_LIST_KEYWORDS.has(lower)) {
      pendingLabelList = true;
      return;
    }
    if (KEYWORDS.has(lower) || stack[stack.length - 1] === '[') return;
    const next = nextSignificant(tokens, i);
    if (next?.type === 'punct' && next.text === '(') return; // a function call
    if (next?.type === 'punct' && next.text === '{') return; // the block that follows gets the matchers
    pieces.push({ kind: 'scope', form: 'braces' });
  }

  if (block) throw new PromqlSyntaxError('unbalanced "{"', source.length);
  if (stack.length > 0) throw new PromqlSyntaxError(`unbalanced "${stack[stack.length - 1]?.slice(-1)}"`, source.length);
  if (!tokens.some(isSignificant)) throw new PromqlSyntaxError('query is empty', 0);
  return { source, pieces, uses };
}
