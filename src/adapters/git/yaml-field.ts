import { isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { EditProblem } from './edit-problem.js';
import { parseFieldPath, type PathSegment } from './field-path.js';
import { parseYaml, render, scalarCurrent, setScalarToken, verified } from './yaml-source.js';

export interface ScalarEdit {
  /** The file after the edit (the input itself when nothing changed). */
  text: string;
  /** The value before the edit ('' for an absent or null value). */
  current: string;
  changed: boolean;
}

/**
 * Sets an existing scalar at a dot path, changing only that scalar's characters: comments, key order,
 * quoting, indentation and blank lines elsewhere stay byte for byte.
 */
export function editYamlField(text: string, path: string, field: string, value: string): ScalarEdit {
  const segments = parseFieldPath(field);
  if (!segments) throw new EditProblem('invalid', `"${field}" is not a field path (use a.b[0].c)`, { path, field });
  const source = parseYaml(text, path);
  const { node, inFlow } = findScalar(source.doc.contents, segments, path, field);
  const current = scalarCurrent(node);
  if (typeof node.value === 'string' && node.value === value) return { text, current, changed: false };

  setScalarToken(node, value, inFlow);
  const want = source.doc.clone();
  want.setIn(segments, value);
  return { text: verified(render(source.tokens), want), current, changed: true };
}

function findScalar(
  root: unknown,
  segments: PathSegment[],
  path: string,
  field: string,
): { node: Scalar; inFlow: boolean } {
  let node: unknown = root;
  let inFlow = false;
  segments.forEach((segment, i) => {
    const at = describe(segments.slice(0, i));
    if (isMap(node)) {
      inFlow ||= Boolean(node.flow);
      node = node.get(segment, true);
    } else if (isSeq(node) && typeof segment === 'number') {
      inFlow ||= Boolean(node.flow);
      node = node.get(segment, true);
    } else if (isAlias(node)) {
      throw new EditProblem('invalid', `${path}: ${at} is an alias; edit the anchored node instead`, { path, field });
    } else {
      throw missing(path, field, `${at} has no ${typeof segment === 'number' ? `item [${segment}]` : `key "${segment}"`}`);
    }
    if (node === undefined) {
      throw missing(path, field, `${at} has no ${typeof segment === 'number' ? `item [${segment}]` : `key "${segment}"`}`);
    }
  });
  if (isAlias(node)) throw new EditProblem('invalid', `${path}: ${field} is an alias; edit the anchored node instead`, { path, field });
  if (!isScalar(node)) {
    const kind = (node as Node | null) && isMap(node) ? 'a map' : 'a list';
    throw new EditProblem('invalid', `${path}: ${field} is ${kind}, not a value`, { path, field });
  }
  return { node, inFlow };
}

function missing(path: string, field: string, why: string): EditProblem {
  return new EditProblem('missingField', `${path}: no field ${field} (${why})`, { path, field });
}

function describe(segments: PathSegment[]): string {
  if (segments.length === 0) return 'the document';
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
