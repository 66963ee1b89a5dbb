import { isDeepStrictEqual } from 'node:util';
import { Composer, CST, Parser, parse, parseDocument, type Document, type Scalar } from 'yaml';
import { EditProblem } from './edit-problem.js';

/**
 * A YAML file held as its concrete syntax tokens and the document composed from them. Tokens are
 * lossless (`render` of untouched tokens is the file byte for byte), so edits made on tokens change
 * exactly the characters they mean to; the document (same parse) is used to find nodes and their
 * source ranges.
 */
export interface YamlSource {
  text: string;
  tokens: CST.Token[];
  doc: Document.Parsed;
}

export function parseYaml(text: string, path: string): YamlSource {
  const tokens = Array.from(new Parser().parse(text));
  const docs = Array.from(new Composer({ keepSourceTokens: true }).compose(tokens));
  const invalid = (why: string) => new EditProblem('invalid', `${path} is not a YAML file wavegate can edit: ${why}`, { path });
  if (docs.length !== 1) throw invalid(docs.length === 0 ? 'it is empty' : `it holds ${docs.length} documents`);
  const doc = docs[0] as Document.Parsed;
  const error = doc.errors[0];
  if (error) throw invalid(error.message.split('\n')[0] ?? 'parse error');
  if (render(tokens) !== text) throw invalid('it does not round-trip through the YAML parser');
  return { text, tokens, doc };
}

export function render(tokens: CST.Token[]): string {
  return tokens.map((token) => CST.stringify(token)).join('');
}

/**
 * Whether `value` can be written unquoted and still be read back as that same string — by YAML 1.2
 * readers and by YAML 1.1 ones (Go's yaml.v2, used by Helm and kustomize, reads `yes`, `on`, `1_000`
 * as bool and int). Image tags like `v1.4.2` or `1.4.2-rc.1` stay plain; `1.10` or `true` get quoted.
 */
export function plainSafe(value: string): boolean {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_./+@-]*$/.test(value) || /^[yn]$/i.test(value)) return false;
  try {
    return parse(value, { version: '1.2' }) === value && parse(value, { version: '1.1' }) === value;
  } catch {
    return false;
  }
}

/** A new scalar's source text: plain when safe, else double-quoted (a JSON string is valid YAML). */
export function scalarText(value: string): string {
  return plainSafe(value) ? value : JSON.stringify(value);
}

/**
 * Rewrites one scalar's token in place, keeping its comments and the quoting style the author chose
 * (a plain scalar becomes double-quoted only when the new value would not read back as a string).
 */
export function setScalarToken(node: Scalar, value: string, inFlow: boolean): void {
  const token = node.srcToken;
  if (!token || !CST.isScalar(token)) throw new Error('scalar has no source token');
  const type: Scalar.Type =
    node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? node.type : plainSafe(value) ? 'PLAIN' : 'QUOTE_DOUBLE';
  CST.setScalarValue(token, value, { type, inFlow });
}

/**
 * Returns `edited` when it reads back exactly as `want` (the same change made through the Document
 * API), else `want` rendered by the yaml package — comments kept, some formatting normalised. A guard:
 * token and text edits are precise but the Document API is the authority on what the change means.
 */
export function verified(edited: string, want: Document): string {
  const check = parseDocument(edited);
  if (check.errors.length === 0 && isDeepStrictEqual(check.toJS(), want.toJS())) return edited;
  return want.toString({ lineWidth: 0 });
}

/** The text a scalar holds, as the author wrote it for non-strings (`1.50` stays `1.50`); null → ''. */
export function scalarCurrent(node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  if (node.value === null || node.value === undefined) return '';
  const token = node.srcToken;
  return token && CST.isScalar(token) && node.type === 'PLAIN' ? token.source : String(node.value);
}
