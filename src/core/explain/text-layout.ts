/**
 * Plain-text layout for terminals and pagers: words wrapped at a width, key: value lines with the
 * values aligned. Tokens longer than the width (PromQL, URLs) are kept whole on their own line rather
 * than broken, because a broken query or link cannot be pasted.
 */
export const TEXT_WIDTH = 100;

export function wrap(text: string, indent = '', width = TEXT_WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.length ? lines : [indent.trimEnd()];
}

/** `key: value` rows with values starting in one column; long values wrap under that column. */
export function keyValues(rows: ReadonlyArray<readonly [string, string]>, indent = '', width = TEXT_WIDTH): string[] {
  const keyWidth = Math.max(0, ...rows.map(([k]) => k.length)) + 2;
  const out: string[] = [];
  for (const [key, value] of rows) {
    const head = `${indent}${`${key}:`.padEnd(keyWidth)}`;
    const [first = '', ...rest] = wrap(value, ' '.repeat(head.length), width);
    out.push(head + first.trimStart(), ...rest);
  }
  return out;
}
