import {
  GitAuthError,
  GitBranchUnknownError,
  GitPushRejectedError,
  GitUnavailableError,
  type GitError,
} from '../../errors/git-errors.js';
import type { GitRunResult } from './run-git.js';

export interface RemoteContext {
  repo: string;
  branch: string;
  /** What we were doing, for the message: `fetch`, `push`. */
  operation: string;
  timeoutMs: number;
}

/**
 * Texts of refusals that will not change by retrying: bad or missing credentials, unknown host keys,
 * and "not found" — hosts answer 404 / "Repository not found" to callers who may not see a private
 * repository. Matched on LC_ALL=C output of git, curl and OpenSSH, which are stable; host-specific
 * wording only ever reaches `remoteMessages`.
 */
const AUTH_FAILURES: RegExp[] = [
  /authentication failed/i,
  /could not read (username|password)/i,
  /terminal prompts disabled/i,
  /requested URL returned error: 40[134]\b/i,
  /access denied/i, // GitLab's "HTTP Basic: Access denied", gitolite, git-daemon hooks
  /permission denied \(/i, // OpenSSH: "Permission denied (publickey)."
  /permission to \S+ denied/i, // GitHub over HTTPS
  /host key verification failed/i,
  /repository not found/i,
  /does not appear to be a git repository/i,
  /not a git repository/i,
];

const MISSING_BRANCH = /couldn't find remote ref/i;

/** A fetch, ls-remote or push that failed before any ref was updated: auth, branch or network. */
export function remoteFailure(result: GitRunResult, stderr: string, ctx: RemoteContext): GitError {
  const base = { repo: ctx.repo, branch: ctx.branch };
  if (result.timedOut) {
    return new GitUnavailableError(`git ${ctx.operation} of ${ctx.repo} timed out after ${ctx.timeoutMs} ms`, {
      ...base,
      reason: 'timeout',
      timeoutMs: ctx.timeoutMs,
    });
  }
  const lines = meaningfulLines(stderr);
  const summary = lines.slice(-3).join(' / ') || `exit ${result.code}`;
  if (MISSING_BRANCH.test(stderr)) return new GitBranchUnknownError(ctx.repo, ctx.branch);
  if (AUTH_FAILURES.some((pattern) => pattern.test(stderr))) {
    return new GitAuthError(`git ${ctx.operation} of ${ctx.repo} was refused: ${summary}`, {
      ...base,
      reason: 'auth',
      remoteMessages: lines,
    });
  }
  return new GitUnavailableError(`git ${ctx.operation} of ${ctx.repo} failed: ${summary}`, {
    ...base,
    reason: 'unreachable',
    remoteMessages: lines,
  });
}

/**
 * `upToDate`: the remote already had this very commit — another writer made the identical commit
 * (same tree, parent, author, date and message) and pushed it first, so this one created nothing.
 */
export type PushOutcome = { kind: 'pushed' } | { kind: 'upToDate' } | { kind: 'nonFastForward'; reason: string };

/**
 * Reads `git push --porcelain` (one `<flag>\t<from>:<to>\t<summary>` line per ref). `[rejected]` with
 * `fetch first` / `non-fast-forward` means the branch moved: integrate and retry. A `[remote rejected]`
 * whose reason is a lost ref-update race inside the server (`cannot lock ref`, `failed to update ref`,
 * `incorrect old value`) means the same. Any other `[remote rejected]` is the host's policy (hooks,
 * protected branches): GitPushRejectedError with what it said.
 */
export function pushOutcome(result: GitRunResult, stderr: string, ctx: RemoteContext): PushOutcome {
  const status = result.stdout.split('\n').find((line) => /^[ +\-*=!]\t/.test(line));
  if (result.code === 0 && status !== undefined && status.startsWith('=')) return { kind: 'upToDate' };
  if (result.code === 0 && status !== undefined && !status.startsWith('!')) return { kind: 'pushed' };
  if (status === undefined || !status.startsWith('!')) throw remoteFailure(result, stderr, ctx);

  const summary = status.split('\t')[2] ?? '';
  const reason = /\((.*)\)\s*$/.exec(summary)?.[1] ?? summary;
  if (/^\[rejected\]/.test(summary) && /fetch first|non-fast-forward/.test(reason)) {
    return { kind: 'nonFastForward', reason };
  }
  if (/cannot lock ref|failed to update ref|incorrect old value|failed to lock/i.test(reason)) {
    return { kind: 'nonFastForward', reason };
  }
  const remoteMessages = [...remoteLines(stderr), `${summary}`.trim()].filter(Boolean);
  if (/^\[remote failure\]/.test(summary) || /internal server error|timed? ?out|unavailable/i.test(reason)) {
    throw new GitUnavailableError(`the remote of ${ctx.repo} failed while updating ${ctx.branch}: ${reason}`, {
      repo: ctx.repo,
      branch: ctx.branch,
      reason: 'remoteFailure',
      remoteMessages,
    });
  }
  throw new GitPushRejectedError(`the remote of ${ctx.repo} refused the push to ${ctx.branch}: ${reason}`, {
    repo: ctx.repo,
    branch: ctx.branch,
    reason: 'rejected',
    remoteMessages,
  });
}

/** What the remote itself said: `remote: …` lines without the prefix, without blank or ANSI noise. */
export function remoteLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n|\r/)
    .filter((line) => line.startsWith('remote:'))
    .map((line) => stripAnsi(line.slice('remote:'.length)).trim())
    .filter((line) => line.length > 0);
}

function meaningfulLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n|\r/)
    .map((line) => stripAnsi(line).trim())
    .filter((line) => line.length > 0 && !/^hint:/.test(line))
    .slice(-20);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
