import type { Lock } from './lock.js';

export type GitAuth =
  /** HTTPS: sent as an `Authorization: Basic` header (username defaults to `x-access-token`). */
  | { kind: 'token'; token: string; username?: string }
  /** SSH with one key; `knownHostsPath` pins the host keys (otherwise ~/.ssh/known_hosts, strictly). */
  | { kind: 'sshKey'; keyPath: string; knownHostsPath?: string };

export interface GitSigning {
  /** `ssh`: `key` is a private key file (or `key::ssh-…` with an agent); `openpgp`: a GPG key id. */
  format: 'ssh' | 'openpgp';
  key: string;
}

export interface GitRepoConfig {
  /** `https://…`, `http://…`, `ssh://…`, `user@host:path`, `file://…` or an absolute path. No user-info. */
  url: string;
  auth?: GitAuth;
  /** Author and committer of every commit wavegate makes. */
  author: { name: string; email: string };
  signing?: GitSigning;
}

/** The slice of a pino logger the adapter uses (pass `logger.child({ component: 'git' })`). */
export interface GitLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface GitBackoff {
  /** Wait before the 2nd attempt (default 1000 ms); each later wait grows by `factor`. */
  baseMs?: number;
  /** Default 1.5 (Kargo's). */
  factor?: number;
  /** Cap on one wait (default 30 000 ms). */
  maxMs?: number;
}

export interface GitRepositoryOptions {
  /** Configured repositories by name; changes name one, never a URL. */
  repos: Record<string, GitRepoConfig>;
  /**
   * Where the working clones live (one per repo+branch, reused). Private to this process: two
   * processes must not share a workDir — they share the remote, and the lock, instead.
   */
  workDir: string;
  /** Serialises writers per repo+branch (memory in one process, Redis across processes). */
  lock: Lock;
  /** Lease on the lock; a Redis lock renews it while the change runs (default 60 000 ms). */
  lockTtlMs?: number;
  /** Fetch → apply → push rounds before giving up on a branch that keeps moving (default 10). */
  maxAttempts?: number;
  backoff?: GitBackoff;
  /** Bound on every git command (default 60 000 ms). */
  timeoutMs?: number;
  /** How far back a replayed change looks for its earlier commit (default 200 commits). */
  idempotencyDepth?: number;
  /** Uniform [0, 1) for the backoff jitter. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Commit dates (ms since the epoch). */
  now?: () => number;
  logger?: GitLogger;
  /**
   * Crash-test hook (telemetry/failpoints.ts), passed `git.afterCommit` between the local commit and
   * the push and `git.afterPush` after a successful push; a no-op in production.
   */
  failpoint?: (name: string) => void;
}
