/** Width of "01:07:45.4  +12.3s  wavegate ". */
const INDENT = 29;

/** Breaks a line at spaces so that no piece is longer than `width` (a longer word stays whole). */
export function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  out.push(current);
  return out;
}

/**
 * The demo's voice: one short line per thing that happened, with the wall-clock time and the time
 * since the demo started, and a tag saying who acted (git, argo, kube, wavegate, …).
 */
export class Narrator {
  readonly startedAt: number;

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
    /** Long lines wrap at this width, continued under the text column. */
    private readonly width = 120,
  ) {
    this.startedAt = now();
  }

  say(tag: string, text: string): void {
    const now = this.now();
    const clock = new Date(now).toISOString().slice(11, 21);
    const since = `+${((now - this.startedAt) / 1000).toFixed(1)}s`.padStart(7);
    const lines = text.split('\n').flatMap((line) => wrap(line, this.width - INDENT));
    this.write(`${clock} ${since}  ${tag.padEnd(8)} ${lines[0] ?? ''}`);
    for (const line of lines.slice(1)) this.write(`${' '.repeat(INDENT)}${line}`);
  }

  /** Text printed as is (the git log, the explanation), each line indented. */
  block(title: string, text: string): void {
    this.write('');
    this.write(title);
    for (const line of text.replace(/\n+$/, '').split('\n')) this.write(`  ${line}`);
    this.write('');
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }
}
