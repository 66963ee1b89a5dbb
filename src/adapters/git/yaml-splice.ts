import { CST, isMap, isSeq, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Text insertions for the rare structural edits (a missing `newTag`, a new `images` entry), placed
 * and indented like their siblings so that every existing byte stays where it was. Only block
 * collections are spliced; callers fall back to the Document API for flow style (`[…]`, `{…}`).
 */

/** Inserts whole lines after the last line of a block collection's content. */
export function insertAfter(text: string, node: Node, lines: string[]): string {
  const end = node.range?.[1];
  if (end === undefined) throw new Error('node has no source range');
  const block = lines.join('\n');
  if (end > 0 && text[end - 1] === '\n') return text.slice(0, end) + block + '\n' + text.slice(end);
  const lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) return text + '\n' + block; // last line without a newline: keep it that way
  return text.slice(0, lineEnd + 1) + block + '\n' + text.slice(lineEnd + 1);
}

export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Column of a block map's keys. */
export function keyColumn(text: string, map: YAMLMap): number | undefined {
  const first = map.items[0]?.key as Node | undefined;
  return first?.range ? columnOf(text, first.range[0]) : undefined;
}

/** Column of a block sequence's `-` indicators. */
export function dashColumn(text: string, seq: YAMLSeq): number | undefined {
  const token = seq.srcToken;
  if (!token || token.type !== 'block-seq') return undefined;
  const indicator = token.items[0]?.start.find((t: CST.SourceToken) => t.type === 'seq-item-ind');
  return indicator ? columnOf(text, indicator.offset) : undefined;
}

/**
 * How far this file indents a block list under its key (`key:\n- a` → 0, `key:\n  - a` → 2),
 * read from the first such list in the top-level map; kustomize's own style (0) otherwise.
 */
export function listIndent(text: string, doc: Document): number {
  const root = doc.contents;
  if (!isMap(root)) return 0;
  for (const pair of root.items) {
    const key = pair.key as Node | undefined;
    if (isSeq(pair.value) && !pair.value.flow && key?.range) {
      const dash = dashColumn(text, pair.value);
      if (dash !== undefined) return Math.max(0, dash - columnOf(text, key.range[0]));
    }
  }
  return 0;
}

export const pad = (n: number): string => ' '.repeat(n);
