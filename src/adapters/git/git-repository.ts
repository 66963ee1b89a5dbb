import { isAbsolute } from 'node:path';
import type { GitChange, GitChangeResult, GitCommitSummary, GitRepository } from '../../core/rollout/git-change.js';
import { GitConflictError, GitEditInvalidError, GitRepoUnknownError, GitUnavailableError } from '../../errors/git-errors.js';
import { applyEdits } from './apply-edits.js';
import { abortableSleep } from '../retry-timing.js';
import { backoffDelay } from './backoff.js';
import { formatCommitMessage } from './commit-message.js';
import { EditProblem } from './edit-problem.js';
import { editError } from './edit-errors.js';
import { findExistingCommit } from './find-existing.js';
import { createMemoryLock } from './lock.js';
import type { GitRepositoryOptions } from './options.js';
import { cloneDir, repoRuntime, type RepoRuntime } from './repo-config.js';
import { safePath, validateChange, validBranch } from './validate-change.js';
import { WorkClone } from './work-clone.js';

/**
 * GitRepository over the git CLI: a private working clone per repo+branch, edits made on tokens of
 * the YAML (comments and formatting kept), one commit per change, pushed fast-forward only. A lost
 * race (the branch moved) is integrated by fetching, resetting to the new head and re-applying the
 * edits — rebasing our own change, never merging — then pushing again after a jittered backoff.
 */
export function createGitRepository(options: GitRepositoryOptions): GitRepository {
  if (!isAbsolute(options.workDir)) throw new TypeError('Git repository: workDir must be an absolute path');
  const runtimes = new Map(Object.entries(options.repos).map(([name, config]) => [name, repoRuntime(name, config)]));
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = { baseMs: 1_000, factor: 1.5, maxMs: 30_000, ...options.backoff };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const lockTtlMs = options.lockTtlMs ?? 60_000;
  const depth = options.idempotencyDepth ?? 200;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const logger = options.logger;
  // Whatever `options.lock` is, one process never runs two commands in one clone at once.
  const cloneLock = createMemoryLock();
  const clones = new Map<string, WorkClone>();

  const runtime = (repo: string): RepoRuntime => {
    const found = runtimes.get(repo);
    if (!found) throw new GitRepoUnknownError(repo);
    return found;
  };
  const cloneOf = (rt: RepoRuntime, branch: string): WorkClone => {
    const dir = cloneDir(options.workDir, rt.name, branch);
    let clone = clones.get(dir);
    if (!clone) {
      clone = new WorkClone({ repo: rt.name, branch, url: rt.config.url, dir, env: rt.env, scrub: rt.scrub, timeoutMs, logger });
      clones.set(dir, clone);
    }
    return clone;
  };
  const checkRead = (repo: string, branch: string, path?: string) => {
    const rt = runtime(repo);
    if (!validBranch(branch)) throw new GitEditInvalidError('branch: not a valid branch name', { repo, input: 'branch' });
    if (path !== undefined && !safePath(path)) {
      throw new GitEditInvalidError('path: must be a relative path inside the repository', { repo, branch, input: 'path' });
    }
    return rt;
  };

  async function applyLocked(rt: RepoRuntime, change: GitChange, signal: AbortSignal): Promise<GitChangeResult> {
    const clone = cloneOf(rt, change.branch);
    const files = [...new Set(change.edits.map((edit) => edit.path))];
    const log = { repo: rt.name, branch: change.branch, trailers: Object.fromEntries(change.trailers) };
    let appliedBefore = false;
    for (let attempt = 1; ; attempt++) {
      await clone.sync(signal);
      const head = clone.remoteRef;
      const existing = await findExistingCommit(clone, change, head, depth, signal);
      if (existing) {
        logger?.info({ ...log, sha: existing, attempt }, 'git change already committed; not committing again');
        return { sha: existing, created: false, attempts: attempt, files };
      }
      let edited;
      try {
        edited = await applyEdits(change.edits, (path) => clone.readFile(head, path, signal), { checkExpect: true });
      } catch (err) {
        if (!(err instanceof EditProblem)) throw err;
        throw editError(err, { repo: rt.name, branch: change.branch, attempts: attempt, appliedBefore });
      }
      appliedBefore = true;
      if (edited.length === 0) {
        const sha = await clone.remoteHead(signal);
        logger?.info({ ...log, sha, attempt }, 'git branch already holds the change; nothing to commit');
        return { sha, created: false, attempts: attempt, files };
      }
      await clone.write(edited);
      await clone.commit(
        {
          message: formatCommitMessage(change),
          paths: edited.map((file) => file.path),
          author: rt.config.author,
          signing: rt.config.signing,
          dateSeconds: Math.floor(now() / 1000),
        },
        signal,
      );
      options.failpoint?.('git.afterCommit');
      await change.fence?.();
      if (change.pushBranch) return pushToOwnBranch(rt, clone, change, { attempt, files, signal });
      const outcome = await clone.push(signal);
      if (outcome.kind === 'upToDate') {
        const sha = await clone.head(signal);
        logger?.info({ ...log, sha, attempt }, 'the identical commit was already pushed by another writer');
        return { sha, created: false, attempts: attempt, files };
      }
      if (outcome.kind === 'pushed') {
        const sha = await clone.head(signal);
        options.failpoint?.('git.afterPush');
        logger?.info({ ...log, sha, attempt, files: edited.map((f) => f.path) }, 'git change pushed');
        return { sha, created: true, attempts: attempt, files };
      }
      if (attempt >= maxAttempts) {
        throw new GitUnavailableError(
          `the push to ${rt.name}/${change.branch} lost the race to other writers ${attempt} times; try again later`,
          { repo: rt.name, branch: change.branch, attempts: attempt, reason: 'nonFastForward' },
        );
      }
      const delayMs = backoffDelay(attempt + 1, backoff, random);
      logger?.info({ ...log, attempt, delayMs, reason: outcome.reason }, 'git push lost a race; re-applying on the new head');
      await sleep(delayMs, signal);
    }
  }

  /**
   * Pull-request mode: the commit goes to its own new branch. The branch name is unique per change, so
   * finding it already there means a replay: its head carrying the same idempotency trailers is our
   * earlier push; anything else there is a conflict for a person to sort out.
   */
  async function pushToOwnBranch(rt: RepoRuntime, clone: WorkClone, change: GitChange, ctx: { attempt: number; files: string[]; signal: AbortSignal }): Promise<GitChangeResult> {
    const branch = change.pushBranch!;
    const sameChange = (c: { trailers: Array<[string, string]> }) =>
      change.idempotencyTrailers.every((name) => {
        const want = change.trailers.find(([k]) => k === name)?.[1];
        return want !== undefined && c.trailers.some(([k, v]) => k === name && v === want);
      });
    const before = await clone.otherBranchHead(branch, ctx.signal);
    if (before && sameChange(before)) return { sha: before.sha, created: false, attempts: ctx.attempt, files: ctx.files };
    if (before) throw new GitConflictError(`the branch ${branch} of ${rt.name} already holds another change`, { repo: rt.name, branch });
    const outcome = await clone.push(ctx.signal, branch);
    if (outcome.kind === 'upToDate') return { sha: await clone.head(ctx.signal), created: false, attempts: ctx.attempt, files: ctx.files };
    if (outcome.kind === 'pushed') {
      const sha = await clone.head(ctx.signal);
      logger?.info({ repo: rt.name, branch, sha }, 'git change pushed to its pull-request branch');
      return { sha, created: true, attempts: ctx.attempt, files: ctx.files };
    }
    // Someone created the branch between our look and our push: ours if it carries our trailers.
    const existing = await clone.otherBranchHead(branch, ctx.signal);
    if (existing && sameChange(existing)) return { sha: existing.sha, created: false, attempts: ctx.attempt, files: ctx.files };
    throw new GitConflictError(`the branch ${branch} of ${rt.name} already holds another change`, { repo: rt.name, branch });
  }

  return {
    async apply(change, signal) {
      const rt = runtime(change.repo);
      validateChange(change);
      const key = `${rt.name}:${change.branch}`;
      return cloneLock.withLock(key, lockTtlMs, () =>
        options.lock.withLock(key, lockTtlMs, (lockSignal) =>
          applyLocked(rt, change, signal ? AbortSignal.any([signal, lockSignal]) : lockSignal),
        ),
      );
    },

    async readFile(repo, branch, path) {
      const rt = checkRead(repo, branch, path);
      return cloneLock.withLock(`${rt.name}:${branch}`, lockTtlMs, async () => {
        const clone = cloneOf(rt, branch);
        await clone.fetch();
        return clone.readFile(clone.remoteRef, path);
      });
    },

    async history(repo, branch, limit): Promise<GitCommitSummary[]> {
      const rt = checkRead(repo, branch);
      const count = Math.max(1, Math.min(1_000, Math.floor(limit)));
      return cloneLock.withLock(`${rt.name}:${branch}`, lockTtlMs, async () => {
        const clone = cloneOf(rt, branch);
        await clone.fetch();
        return clone.log(clone.remoteRef, count);
      });
    },
  };
}
