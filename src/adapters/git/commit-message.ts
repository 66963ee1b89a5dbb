import type { GitChange, GitCommitSummary } from '../../core/rollout/git-change.js';

/** Trailer keys git recognises without configuration: a token of letters, digits and dashes. */
export const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * The commit message: subject, blank line, body, blank line, then the trailers as the last paragraph,
 * one `Key: value` per line, so `git interpret-trailers --parse` and `%(trailers)` read them back.
 * Committed with `--cleanup=verbatim`: a body line starting with `#` is kept, not taken for a comment.
 */
export function formatCommitMessage(change: Pick<GitChange, 'subject' | 'body' | 'trailers'>): string {
  const body = change.body.replace(/\r\n?/g, '\n').trim();
  const trailers = change.trailers.map(([key, value]) => `${key}: ${value.trim()}`).join('\n');
  return [change.subject.trim(), body, trailers].filter((part) => part.length > 0).join('\n\n') + '\n';
}

/** Separators in `git log --format` output that cannot occur in commit text we read. */
const FIELD = '\x1f';
const RECORD = '\x1e';

/** `git log` format for `parseLog`: sha, subject, unfolded trailers. */
export const LOG_FORMAT = `%H${FIELD}%s${FIELD}%(trailers:only,unfold)${RECORD}`;

export function parseLog(stdout: string): GitCommitSummary[] {
  return stdout
    .split(RECORD)
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.length > 0)
    .map((record) => {
      const [sha = '', subject = '', trailerBlock = ''] = record.split(FIELD);
      return { sha, subject, trailers: parseTrailers(trailerBlock) };
    });
}

export function parseTrailers(block: string): Array<[string, string]> {
  const trailers: Array<[string, string]> = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (TRAILER_KEY.test(key)) trailers.push([key, line.slice(colon + 1).trim()]);
  }
  return trailers;
}

/**
 * Whether a commit carries the same value for every idempotency trailer as the change (keys compared
 * case-insensitively, as git does). An empty key list matches nothing: "no identity" is not "any".
 */
export function sameChange(commit: Array<[string, string]>, change: GitChange): boolean {
  if (change.idempotencyTrailers.length === 0) return false;
  return change.idempotencyTrailers.every((key) => {
    const wanted = change.trailers.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1].trim();
    return wanted !== undefined && commit.some(([k, v]) => k.toLowerCase() === key.toLowerCase() && v === wanted);
  });
}
