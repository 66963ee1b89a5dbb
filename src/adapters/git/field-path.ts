/** One step of a field path: a map key or a sequence index. */
export type PathSegment = string | number;

/**
 * Parses `image.tag`, `containers[0].image`, `annotations["example.com/team"]` into segments.
 * Returns null for a malformed path (empty segment, unclosed bracket, …).
 */
export function parseFieldPath(field: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < field.length) {
    const ch = field[i];
    if (ch === '[') {
      const close = field.indexOf(']', i);
      if (close < 0) return null;
      const inner = field.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^"[^"]+"$|^'[^']+'$/.test(inner)) segments.push(inner.slice(1, -1));
      else return null;
      i = close + 1;
    } else if (ch === '.') {
      if (segments.length === 0 || field[i + 1] === '[' || i + 1 >= field.length) return null;
      i += 1;
      if (field[i] === '.') return null;
    } else {
      if (i > 0 && field[i - 1] !== '.') return null; // `a[0]b`
      const match = /^[^.[\]]+/.exec(field.slice(i));
      if (!match) return null;
      segments.push(match[0]);
      i += match[0].length;
    }
  }
  return segments.length > 0 ? segments : null;
}
