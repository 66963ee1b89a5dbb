import { parseDocument } from 'yaml';
import type { GitTarget } from '../core/rollout/plan.js';

/**
 * The version a cluster's file names today, read the same way the commit will write it: a YAML field
 * by dot path (`image.tag`, `containers[0].tag`) or a kustomize image's `newTag`. Null when the file
 * or the field is not there.
 */
export function readVersion(text: string | null, target: GitTarget['target']): string | null {
  if (text === null) return null;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  if (target.kind === 'yamlField') {
    const value = doc.getIn(fieldPath(target.field));
    return value === undefined || value === null ? null : String(value);
  }
  const images = doc.toJS()?.images;
  if (!Array.isArray(images)) return null;
  const entry = images.find((i: { name?: string }) => i?.name === target.image);
  return entry?.newTag === undefined ? null : String(entry.newTag);
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
export function fieldPath(field: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`invalid field path "${field}"`);
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}
