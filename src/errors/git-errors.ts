import { WavegateError } from './wavegate-error.js';

/**
 * What a Git failure carries for machines. Every string here has been scrubbed by the adapter: no
 * token, no Authorization header, no URL user-info, ever.
 */
export type GitErrorDetails = {
  /** The configured repository name (never its URL: URLs are configuration, not request data). */
  repo?: string;
  branch?: string;
  /** File and field of the edit concerned, when one is. */
  path?: string;
  field?: string;
  /** Values the edit allowed, and what the branch actually had (null: absent). */
  expected?: string[];
  actual?: string | null;
  /** Push attempts made (a rejected or conflicting attempt counts). */
  attempts?: number;
  /** The remote's own words (`remote: …` lines and the ref status), scrubbed. */
  remoteMessages?: string[];
  /** A short machine-readable reason, e.g. `nonFastForward`, `timeout`, `lockBusy`. */
  reason?: string;
  /** Which part of a GitChange is unusable, e.g. `trailers`, `edits[2].path`. */
  input?: string;
  timeoutMs?: number;
};

/** Base of the Git failures; match on the subclasses (or `code`), never on message text. */
export abstract class GitError extends WavegateError {
  declare readonly details: GitErrorDetails;

  constructor(message: string, details: GitErrorDetails, options?: { cause?: unknown }) {
    super(message, details, options);
  }
}

/**
 * The branch no longer fits the change: a value is not one the edit `expect`s (someone else changed
 * it), or the file or field it edits disappeared after a rebase onto a newer head. Retrying the same
 * change cannot help; the caller must re-plan.
 */
export class GitConflictError extends GitError {
  readonly code = 'GIT_CONFLICT';
}

/**
 * The host refused the push for its own reasons — a pre-receive hook, a protected branch, a policy —
 * not because the branch moved. `details.remoteMessages` holds what it said. Not retried: the same
 * push would be refused again until someone changes the host's rules.
 */
export class GitPushRejectedError extends GitError {
  readonly code = 'GIT_PUSH_REJECTED';
}

/**
 * The remote could not be reached or did not answer in time (network, DNS, 5xx, timeouts), a lock on
 * the repository stayed busy, or the push kept losing races for every allowed attempt. Retryable.
 */
export class GitUnavailableError extends GitError {
  readonly code = 'GIT_UNAVAILABLE';
  override readonly retryable = true;
}

/**
 * The remote refused our credentials (401/403, SSH `Permission denied`), or says the repository does
 * not exist — hosts answer "not found" to callers who may not see a private repository.
 */
export class GitAuthError extends GitError {
  readonly code = 'GIT_AUTH_FAILED';
}

/** The change names a repository that is not configured. Repositories are only ever named, never given by URL. */
export class GitRepoUnknownError extends GitError {
  readonly code = 'GIT_REPO_UNKNOWN';

  constructor(repo: string) {
    super(`Git repository "${repo}" is not configured`, { repo });
  }
}

/** The branch does not exist on the remote. wavegate never creates branches it was asked to edit. */
export class GitBranchUnknownError extends GitError {
  readonly code = 'GIT_BRANCH_UNKNOWN';

  constructor(repo: string, branch: string) {
    super(`Branch "${branch}" does not exist in Git repository "${repo}"`, { repo, branch });
  }
}

/**
 * The change cannot be applied as written: the file is not YAML (or not a single document), the field
 * path does not exist or names a map instead of a value, a path leaves the repository, a trailer key
 * or subject is malformed. A plan error: retrying cannot help.
 */
export class GitEditInvalidError extends GitError {
  readonly code = 'GIT_EDIT_INVALID';
}
