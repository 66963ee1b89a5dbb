import { describe, expect, it } from 'vitest';
import { pushOutcome, remoteFailure } from '../../../src/adapters/git/classify.js';
import { formatCommitMessage, parseTrailers, sameChange } from '../../../src/adapters/git/commit-message.js';
import { makeScrub } from '../../../src/adapters/git/scrub.js';
import {
  GitAuthError,
  GitBranchUnknownError,
  GitPushRejectedError,
  GitUnavailableError,
} from '../../../src/errors/git-errors.js';
import { createTestRemote, git } from '../../harness/git.js';
import { promotion } from './fixtures.js';

/**
 * How push and fetch failures are told apart, on the texts real hosts send (Kargo #5286: each host
 * words its refusals differently). The decision rests on git's own porcelain status, not on the
 * host's wording, which only travels in `remoteMessages`.
 */
const ctx = { repo: 'fleet', branch: 'main', operation: 'push', timeoutMs: 60_000 };
const failed = (stdout: string, stderr: string) => ({ result: { code: 1, stdout, stderr, timedOut: false }, stderr });
const status = (summary: string) => `To https://git.example/acme/fleet.git\n!\tHEAD:refs/heads/main\t${summary}\nDone\n`;

function outcomeOf(stdout: string, stderr = '') {
  const { result } = failed(stdout, stderr);
  try {
    return pushOutcome(result, stderr, ctx);
  } catch (err) {
    return err;
  }
}

describe('push outcomes', () => {
  it('treats a moved branch as a race to retry: fetch first, non-fast-forward, a lost ref lock on the server', () => {
    expect(outcomeOf(status('[rejected] (fetch first)'))).toEqual({ kind: 'nonFastForward', reason: 'fetch first' });
    expect(outcomeOf(status('[rejected] (non-fast-forward)'))).toMatchObject({ kind: 'nonFastForward' });
    expect(outcomeOf(status("[remote rejected] (cannot lock ref 'refs/heads/main': is at 1a2b but expected 3c4d)"))).toMatchObject({
      kind: 'nonFastForward',
    });
    expect(outcomeOf(status('[remote rejected] (failed to update ref)'))).toMatchObject({ kind: 'nonFastForward' });
  });

  it('treats host policies as refusals, whatever the host calls them, with its words attached', () => {
    const cases = [
      // GitHub protected branch
      ['remote: error: GH006: Protected branch update failed for refs/heads/main.\nremote: error: Changes must be made through a pull request.', '[remote rejected] (protected branch hook declined)'],
      // GitLab
      ['remote: GitLab: You are not allowed to push code to protected branches on this project.', '[remote rejected] (pre-receive hook declined)'],
      // Azure DevOps
      ['remote: TF402455: Pushes to this branch are not permitted; you must use a pull request to update this branch.', '[remote rejected] (TF402455: Pushes to this branch are not permitted)'],
      // Bitbucket Server
      ['remote: Branch refs/heads/main can only be modified through pull requests.', '[remote rejected] (pre-receive hook declined)'],
    ] as const;
    for (const [stderr, summary] of cases) {
      const error = outcomeOf(status(summary), `${stderr}\n`);
      expect(error).toBeInstanceOf(GitPushRejectedError);
      expect((error as GitPushRejectedError).details.remoteMessages?.[0]).toBe(stderr.split('\n')[0]?.replace(/^remote: /, ''));
      expect((error as GitPushRejectedError).details.remoteMessages?.at(-1)).toBe(summary);
    }
  });

  it('treats a server failing mid-update as unavailable, and a push that never got a status as a transport failure', () => {
    expect(outcomeOf(status('[remote failure] (remote failed to report status)'))).toBeInstanceOf(GitUnavailableError);
    expect(outcomeOf('', "fatal: unable to access 'https://git.example/': Could not resolve host: git.example\n")).toBeInstanceOf(
      GitUnavailableError,
    );
    expect(outcomeOf('', 'remote: Permission to acme/fleet.git denied to bot.\nfatal: unable to access: The requested URL returned error: 403\n')).toBeInstanceOf(
      GitAuthError,
    );
  });

  it('recognises a pushed ref', () => {
    const result = { code: 0, stdout: 'To x\n \tHEAD:refs/heads/main\t1a2b..3c4d\nDone\n', stderr: '', timedOut: false };
    expect(pushOutcome(result, '', ctx)).toEqual({ kind: 'pushed' });
  });
});

describe('fetch failures', () => {
  const fetchFailure = (stderr: string) => remoteFailure({ code: 128, stdout: '', stderr, timedOut: false }, stderr, { ...ctx, operation: 'fetch' });

  it('tells auth, a missing branch and an unreachable host apart', () => {
    expect(fetchFailure("fatal: could not read Username for 'https://github.com': terminal prompts disabled")).toBeInstanceOf(GitAuthError);
    expect(fetchFailure('remote: HTTP Basic: Access denied\nfatal: Authentication failed for x')).toBeInstanceOf(GitAuthError);
    expect(fetchFailure('git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.')).toBeInstanceOf(GitAuthError);
    expect(fetchFailure('ERROR: Repository not found.\nfatal: Could not read from remote repository.')).toBeInstanceOf(GitAuthError);
    expect(fetchFailure('Host key verification failed.\nfatal: Could not read from remote repository.')).toBeInstanceOf(GitAuthError);
    expect(fetchFailure("fatal: couldn't find remote ref refs/heads/main")).toBeInstanceOf(GitBranchUnknownError);
    expect(fetchFailure('ssh: connect to host github.com port 22: Connection timed out\nfatal: Could not read from remote repository.')).toBeInstanceOf(
      GitUnavailableError,
    );
    expect(fetchFailure("fatal: unable to access 'https://x/': The requested URL returned error: 502")).toBeInstanceOf(GitUnavailableError);
  });
});

describe('scrubbing', () => {
  it('removes configured secrets in every form, and anything shaped like a credential', () => {
    const scrub = makeScrub(['s3cr3t-token', Buffer.from('u:s3cr3t-token').toString('base64')]);
    const text = [
      'token s3cr3t-token',
      `Authorization: Basic ${Buffer.from('u:s3cr3t-token').toString('base64')}`,
      'https://user:pa55@git.example/x.git',
      'Authorization: Bearer abc.def.ghi',
      'leaked ghp_abcdefghijklmnopqrstuvwxyz0123456789 and glpat-abcdefghijklmnop1234',
    ].join('\n');
    const out = scrub(text);
    expect(out).not.toMatch(/s3cr3t|pa55|abc\.def|ghp_abc|glpat-abc/);
    expect(out).toContain('https://[REDACTED]@git.example/x.git');
  });
});

describe('commit messages', () => {
  it('writes trailers that `git interpret-trailers --parse` reads back exactly', async () => {
    const change = promotion({ clusters: ['eu-1'], version: '1.4.2' });
    change.body = 'Why: the error rate rose.\n\nSee: https://wavegate.example/x';
    const message = formatCommitMessage(change);
    const remote = await createTestRemote();
    try {
      const parsed = await git(remote.root, ['interpret-trailers', '--parse'], { input: message });
      expect(parseTrailers(parsed.stdout)).toEqual(change.trailers);
      expect(message.startsWith(`${change.subject}\n\nWhy: the error rate rose.\n\nSee:`)).toBe(true);
    } finally {
      await remote.cleanup();
    }
  });

  it('matches a replay on every idempotency trailer, case-insensitively on keys, and never on an empty list', () => {
    const change = promotion({ clusters: ['eu-1'], version: '1.4.2', epoch: 3 });
    const same = change.trailers.map(([k, v]): [string, string] => [k.toLowerCase(), v]);
    expect(sameChange(same, change)).toBe(true);
    expect(sameChange(change.trailers.map(([k, v]): [string, string] => [k, k === 'Wavegate-Epoch' ? '4' : v]), change)).toBe(false);
    expect(sameChange(change.trailers, { ...change, idempotencyTrailers: [] })).toBe(false);
  });
});
