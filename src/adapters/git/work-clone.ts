import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GitCommitSummary } from '../../core/rollout/git-change.js';
import { GitAuthError, GitUnavailableError } from '../../errors/git-errors.js';
import type { EditedFile } from './apply-edits.js';
import { pushOutcome, remoteFailure, type PushOutcome, type RemoteContext } from './classify.js';
import { LOG_FORMAT, parseLog } from './commit-message.js';
import { withConfig } from './git-env.js';
import type { GitLogger, GitSigning } from './options.js';
import { runGit, type GitRunResult } from './run-git.js';
import type { Scrub } from './scrub.js';
import { exists, removeStaleLocks } from './stale-locks.js';

export interface WorkCloneContext {
  repo: string;
  branch: string;
  url: string;
  /** This clone's directory (one per repo+branch). */
  dir: string;
  env: Record<string, string>;
  scrub: Scrub;
  timeoutMs: number;
  logger?: GitLogger | undefined;
}

export interface CommitRequest {
  message: string;
  paths: string[];
  author: { name: string; email: string };
  signing?: GitSigning | undefined;
  /** Seconds since the epoch, for author and committer dates. */
  dateSeconds: number;
}

/**
 * A private working clone of one branch. Not safe for concurrent use: the caller serialises (the
 * adapter holds a per-clone lock around every use).
 */
export class WorkClone {
  /** Where `fetch` puts the remote branch head. */
  readonly remoteRef: string;
  private cleaned = false;

  constructor(private readonly ctx: WorkCloneContext) {
    this.remoteRef = `refs/remotes/origin/${ctx.branch}`;
  }

  /**
   * Fetches the branch into `remoteRef`; creates the clone on first use. Read at `remoteRef` until the
   * next fetch: only this clone's (locked) user fetches into it, so the name is as stable as a sha —
   * and resolving it is one process fewer between fetch and push, where every millisecond is a
   * chance for another writer to move the branch.
   */
  async fetch(signal?: AbortSignal): Promise<void> {
    await this.ensure(signal);
    const refspec = `+refs/heads/${this.ctx.branch}:${this.remoteRef}`; // `+`: our tracking ref follows the remote, whatever it did
    const args = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', this.ctx.url, refspec];
    const result = await this.run(args, { signal });
    if (result.code !== 0) throw remoteFailure(result, this.ctx.scrub(result.stderr), this.remote('fetch'));
  }

  /**
   * The newest commit of another branch of the remote (a pull-request branch), or null when the
   * remote has no such branch.
   */
  async otherBranchHead(branch: string, signal?: AbortSignal): Promise<GitCommitSummary | null> {
    const ref = `refs/wavegate/other/${branch}`;
    const args = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', this.ctx.url, `+refs/heads/${branch}:${ref}`];
    const result = await this.run(args, { signal });
    if (result.code !== 0) {
      if (/couldn't find remote ref|not our ref/i.test(result.stderr)) return null;
      throw remoteFailure(result, this.ctx.scrub(result.stderr), this.remote('fetch'));
    }
    return (await this.log(ref, 1, signal))[0] ?? null;
  }

  /** The sha `remoteRef` holds since the last fetch. */
  remoteHead(signal?: AbortSignal): Promise<string> {
    return this.revParse(this.remoteRef, signal);
  }

  /**
   * Fetches, then makes the work tree exactly the remote head with a forced checkout, so an earlier
   * attempt's edits or commit (say, a crash between commit and push) never leak into this one. The
   * first use in this process also removes untracked files; later attempts only ever write tracked
   * files, which the forced checkout restores.
   */
  async sync(signal?: AbortSignal): Promise<void> {
    await this.fetch(signal);
    await this.ok(['checkout', '--quiet', '--force', '--no-track', '-B', this.ctx.branch, this.remoteRef], { signal });
    if (!this.cleaned) {
      await this.ok(['clean', '--quiet', '-f', '-f', '-d', '-x'], { signal });
      this.cleaned = true;
    }
  }

  /** The text of a regular file at `rev`; null when the path holds nothing, a directory or a symlink. */
  async readFile(rev: string, path: string, signal?: AbortSignal): Promise<string | null> {
    const listing = await this.ok(['ls-tree', '-z', '--full-tree', rev, '--', path], { signal });
    const entry = listing
      .split('\0')
      .map((line) => /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line))
      .find((m) => m?.[4] === path);
    if (!entry || entry[2] !== 'blob' || !(entry[1] === '100644' || entry[1] === '100755')) return null;
    return this.ok(['cat-file', 'blob', entry[3] as string], { signal });
  }

  /** First-parent history of `rev`, newest first. */
  async log(rev: string, limit: number, signal?: AbortSignal): Promise<GitCommitSummary[]> {
    const out = await this.ok(['log', '--first-parent', `--max-count=${limit}`, `--format=${LOG_FORMAT}`, rev, '--'], { signal });
    return parseLog(out);
  }

  async write(files: EditedFile[]): Promise<void> {
    for (const file of files) await writeFile(join(this.ctx.dir, file.path), file.after);
  }

  async commit(request: CommitRequest, signal?: AbortSignal): Promise<void> {
    await this.ok(['add', '--', ...request.paths], { signal });
    const date = `${request.dateSeconds} +0000`;
    let env: Record<string, string> = {
      ...this.ctx.env,
      GIT_AUTHOR_NAME: request.author.name,
      GIT_AUTHOR_EMAIL: request.author.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: request.author.name,
      GIT_COMMITTER_EMAIL: request.author.email,
      GIT_COMMITTER_DATE: date,
    };
    const args = ['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-F', '-'];
    if (request.signing) {
      env = withConfig(env, [
        ['gpg.format', request.signing.format],
        ['user.signingKey', request.signing.key],
      ]);
      args.push('--gpg-sign');
    }
    const result = await this.run(args, { signal, input: request.message, env });
    if (result.code !== 0) {
      const stderr = this.ctx.scrub(result.stderr).trim();
      if (request.signing) {
        throw new GitAuthError(`signing the commit for ${this.ctx.repo} failed: ${lastLines(stderr)}`, {
          repo: this.ctx.repo,
          branch: this.ctx.branch,
          reason: 'signing',
        });
      }
      throw this.localFailure(['commit'], result);
    }
  }

  /** The commit just made. */
  head(signal?: AbortSignal): Promise<string> {
    return this.revParse('HEAD', signal);
  }

  /** Pushes HEAD to the branch, fast-forward only: no `+`, no `--force`, ever. */
  async push(signal?: AbortSignal, toBranch: string = this.ctx.branch): Promise<PushOutcome> {
    const args = ['push', '--porcelain', '--no-progress', '--no-verify', this.ctx.url, `HEAD:refs/heads/${toBranch}`];
    const result = await this.run(args, { signal });
    return pushOutcome(result, this.ctx.scrub(result.stderr), this.remote('push'));
  }

  private async ensure(signal?: AbortSignal): Promise<void> {
    const gitDir = join(this.ctx.dir, '.git');
    if (await exists(join(gitDir, 'HEAD'))) return removeStaleLocks(gitDir);
    await rm(this.ctx.dir, { recursive: true, force: true });
    await mkdir(this.ctx.dir, { recursive: true });
    await this.ok(['init', '--quiet'], { signal });
  }

  private async revParse(rev: string, signal?: AbortSignal): Promise<string> {
    return (await this.ok(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { signal })).trim();
  }

  private remote(operation: string): RemoteContext {
    return { repo: this.ctx.repo, branch: this.ctx.branch, operation, timeoutMs: this.ctx.timeoutMs };
  }

  /** A local command that must succeed; its failure is an unavailable clone (disk, corruption). */
  private async ok(args: string[], options: { signal?: AbortSignal | undefined }): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw this.localFailure(args, result);
    return result.stdout;
  }

  private localFailure(args: string[], result: GitRunResult): GitUnavailableError {
    const why = result.timedOut ? `timed out after ${this.ctx.timeoutMs} ms` : lastLines(this.ctx.scrub(result.stderr)) || `exit ${result.code}`;
    return new GitUnavailableError(`git ${args[0]} in the working clone of ${this.ctx.repo} failed: ${why}`, {
      repo: this.ctx.repo,
      branch: this.ctx.branch,
      reason: result.timedOut ? 'timeout' : 'localGit',
    });
  }

  private async run(
    args: string[],
    options: { signal?: AbortSignal | undefined; input?: string; env?: Record<string, string> },
  ): Promise<GitRunResult> {
    const started = Date.now();
    const result = await runGit({
      args,
      cwd: this.ctx.dir,
      env: { ...(options.env ?? this.ctx.env), GIT_CEILING_DIRECTORIES: dirname(this.ctx.dir) },
      timeoutMs: this.ctx.timeoutMs,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.ctx.logger?.debug(
      { repo: this.ctx.repo, command: this.ctx.scrub(args.join(' ')), exitCode: result.code, ms: Date.now() - started },
      'git command',
    );
    return result;
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ');
}
