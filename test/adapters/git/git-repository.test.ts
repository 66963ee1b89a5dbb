import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GitBranchUnknownError,
  GitConflictError,
  GitEditInvalidError,
  GitPushRejectedError,
  GitRepoUnknownError,
} from '../../../src/errors/git-errors.js';
import {
  createTestRemote,
  git,
  kustomizationFile,
  kustomizationPath,
  valuesFile,
  valuesPath,
  type TestRemote,
} from '../../harness/git.js';
import { AUTHOR, promotion, repositoryFor, trailer } from './fixtures.js';

let remote: TestRemote;
beforeEach(async () => {
  remote = await createTestRemote();
});
afterEach(async () => {
  await remote.cleanup();
});

describe('git repository: one change, one commit', () => {
  it('commits the edit with the configured author, a readable message and trailers git parses', async () => {
    const { repository } = await repositoryFor(remote);
    const before = await remote.head();

    const result = await repository.apply(promotion({ clusters: ['eu-1', 'eu-2'], version: '1.4.2', from: ['1.4.1'] }));

    expect(result).toEqual({
      sha: await remote.head(),
      created: true,
      attempts: 1,
      files: [valuesPath('eu-1'), valuesPath('eu-2')],
    });
    const [commit] = await remote.log(1);
    expect(commit?.parents).toEqual([before]);
    expect(commit?.subject).toBe('wavegate: promote payments 1.4.2 to wave eu-canary (2 clusters)');
    expect(commit?.message).toContain('# Evidence: the canary passed (score 97).'); // verbatim: `#` lines are kept
    expect([commit?.authorName, commit?.authorEmail]).toEqual([AUTHOR.name, AUTHOR.email]);
    expect(commit?.trailers).toEqual([
      ['Wavegate-Rollout', 'r-1'],
      ['Wavegate-Wave', 'eu-canary'],
      ['Wavegate-Action', 'promote'],
      ['Wavegate-Verdict', 'pass'],
      ['Wavegate-Epoch', '1'],
    ]);
  });

  it('changes only the edited scalar: comments, order, quoting and blank lines stay byte for byte', async () => {
    const { repository } = await repositoryFor(remote);
    await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }));

    // The whole file equals the original with exactly one substring replaced.
    expect(await remote.readFile(valuesPath('eu-1'))).toBe(valuesFile('eu-1').replace('tag: "1.4.1"', 'tag: "1.4.2"'));
    expect(await remote.readFile(valuesPath('eu-2'))).toBe(valuesFile('eu-2'));
  });

  it('sets a kustomize image tag in place and adds an entry that is missing, touching nothing else', async () => {
    const { repository } = await repositoryFor(remote);
    const path = kustomizationPath('us-1');
    await repository.apply(
      promotion({
        clusters: ['us-1'],
        version: '1.4.2',
        edits: [
          { kind: 'kustomizeImage', path, image: 'ghcr.io/acme/payments', newTag: '1.4.2', expect: ['1.4.1'] },
          { kind: 'kustomizeImage', path, image: 'ghcr.io/acme/migrations', newTag: '7', expect: [''] },
        ],
      }),
    );
    expect(await remote.readFile(path)).toBe(
      kustomizationFile('us-1').replace('newTag: 1.4.1', 'newTag: 1.4.2') +
        '  - name: ghcr.io/acme/migrations\n    newTag: "7"\n',
    );
  });
});

describe('git repository: replays and no-ops', () => {
  it('makes no second commit when the same change is replayed', async () => {
    const { repository } = await repositoryFor(remote);
    const change = promotion({ clusters: ['eu-1'], version: '1.4.2', from: ['1.4.1'] });
    const first = await repository.apply(change);
    const head = await remote.head();

    const replay = await repository.apply(change);

    expect(replay).toEqual({ sha: first.sha, created: false, attempts: 1, files: first.files });
    expect(await remote.head()).toBe(head);
  });

  it('finds the original commit on replay after other commits, even a rollback, moved the branch on', async () => {
    const { repository } = await repositoryFor(remote);
    const promote = promotion({ clusters: ['eu-1'], version: '1.4.2', from: ['1.4.1'] });
    const first = await repository.apply(promote);
    const other = await remote.writer('other');
    await other.commit({ 'README.md': '# fleet (owned by platform)\n' }, 'docs: owner');
    await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.1', from: ['1.4.2'], action: 'rollback' }));
    const head = await remote.head();

    // A stale worker replays the promotion: it must not undo the rollback.
    const replay = await repository.apply(promote);

    expect(replay).toMatchObject({ sha: first.sha, created: false });
    expect(await remote.head()).toBe(head);
    expect(await remote.readFile(valuesPath('eu-1'))).toContain('tag: "1.4.1"');
  });

  it('commits nothing when the branch already holds the content, and says so with the head', async () => {
    const { repository } = await repositoryFor(remote);
    const head = await remote.head();

    const result = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.1', from: ['1.4.0'] }));

    expect(result).toEqual({ sha: head, created: false, attempts: 1, files: [valuesPath('eu-1')] });
    expect(await remote.head()).toBe(head);
  });

  it('lets two adapters racing the same change make exactly one commit between them', async () => {
    const a = await repositoryFor(remote);
    const b = await repositoryFor(remote);
    const change = promotion({ clusters: ['eu-1', 'us-1'], version: '1.4.2', from: ['1.4.1'] });
    const before = await remote.head();

    const results = await Promise.all([a.repository.apply(change), b.repository.apply(change)]);

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.sha)).size).toBe(1);
    const log = await remote.log();
    expect(log.filter((c) => trailer(c.trailers, 'Wavegate-Rollout') === 'r-1')).toHaveLength(1);
    expect(log[1]?.sha).toBe(before);
  });
});

describe('git repository: conflicts and refusals', () => {
  it('fails with GitConflictError, without retrying, when another writer set the field to another value', async () => {
    const { repository, sleeps } = await repositoryFor(remote);
    const other = await remote.writer('hotfix');
    await other.commit({ [valuesPath('eu-1')]: valuesFile('eu-1', '1.4.1-hotfix') }, 'hotfix eu-1');
    const head = await remote.head();

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', from: ['1.4.1'] })).catch((e) => e);

    expect(error).toBeInstanceOf(GitConflictError);
    expect(error.code).toBe('GIT_CONFLICT');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({
      path: valuesPath('eu-1'),
      field: 'image.tag',
      expected: ['1.4.1'],
      actual: '1.4.1-hotfix',
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
    expect(await remote.head()).toBe(head);
  });

  it('refuses a field path that does not exist as an invalid edit, and creates nothing', async () => {
    const { repository } = await repositoryFor(remote);
    const change = promotion({ clusters: ['eu-1'], version: '1.4.2' });
    change.edits = [{ kind: 'yamlField', path: valuesPath('eu-1'), field: 'image.tga', value: '1.4.2' }];

    const error = await repository.apply(change).catch((e) => e);

    expect(error).toBeInstanceOf(GitEditInvalidError);
    expect(error.message).toContain('image has no key "tga"');
    expect(await remote.readFile(valuesPath('eu-1'))).toBe(valuesFile('eu-1'));
  });

  it('refuses a file that is not YAML, a path outside the repository and an unknown repository', async () => {
    const { repository } = await repositoryFor(remote);
    const other = await remote.writer('broken');
    await other.commit({ 'clusters/eu-1/broken.yaml': 'image: [unclosed\n' }, 'broken file');
    const broken = promotion({ clusters: ['eu-1'], version: '1.4.2' });
    broken.edits = [{ kind: 'yamlField', path: 'clusters/eu-1/broken.yaml', field: 'image', value: 'x' }];
    const escaping = promotion({ clusters: ['eu-1'], version: '1.4.2' });
    escaping.edits = [{ kind: 'yamlField', path: '../outside.yaml', field: 'a', value: 'x' }];

    await expect(repository.apply(broken)).rejects.toBeInstanceOf(GitEditInvalidError);
    await expect(repository.apply(escaping)).rejects.toMatchObject({ code: 'GIT_EDIT_INVALID', details: { input: 'edits[0].path' } });
    await expect(repository.apply({ ...broken, repo: 'https://evil.test/x.git' })).rejects.toBeInstanceOf(GitRepoUnknownError);
    await expect(repository.readFile('nope', 'main', 'README.md')).rejects.toMatchObject({ code: 'GIT_REPO_UNKNOWN' });
  });

  it('says which branch does not exist', async () => {
    const { repository } = await repositoryFor(remote);
    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', branch: 'release/9' })).catch((e) => e);
    expect(error).toBeInstanceOf(GitBranchUnknownError);
    expect(error.details).toEqual({ repo: 'fleet', branch: 'release/9' });
  });

  it('fails with GitPushRejectedError carrying the hook message when the host refuses, without retrying', async () => {
    const { repository, sleeps } = await repositoryFor(remote);
    await remote.rejectPushes('GL-HOOK-ERR: main is frozen for the 2.0 release\nask #release-eng to unfreeze');
    const head = await remote.head();

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitPushRejectedError);
    expect(error.code).toBe('GIT_PUSH_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.details.remoteMessages).toEqual([
      'GL-HOOK-ERR: main is frozen for the 2.0 release',
      'ask #release-eng to unfreeze',
      '[remote rejected] (pre-receive hook declined)',
    ]);
    expect(sleeps).toEqual([]);
    expect(await remote.head()).toBe(head);
  });

  it('never lets a rejected attempt leak into the next one: the retry after unfreezing makes one clean commit', async () => {
    const { repository } = await repositoryFor(remote);
    await remote.rejectPushes('frozen');
    await expect(repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', rollout: 'r-a' }))).rejects.toBeInstanceOf(
      GitPushRejectedError,
    );
    await remote.acceptPushes();
    const before = await remote.head();

    const result = await repository.apply(promotion({ clusters: ['eu-2'], version: '1.4.2', rollout: 'r-b' }));

    const [commit] = await remote.log(1);
    expect(result.created).toBe(true);
    expect(commit?.parents).toEqual([before]);
    expect(await remote.readFile(valuesPath('eu-1'))).toBe(valuesFile('eu-1')); // the refused edit is gone
    expect(await remote.readFile(valuesPath('eu-2'))).toContain('tag: "1.4.2"');
  });
});

describe('git repository: after a crash', () => {
  /** The adapter's one working clone under `workDir`. */
  const cloneIn = async (workDir: string) => join(workDir, (await readdir(workDir))[0] as string);

  it('pushes nothing a killed process left in its clone: an unpushed commit and edited files are discarded', async () => {
    const workDir = await remote.workDir();
    const { repository } = await repositoryFor(remote, { workDir });
    await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', rollout: 'r-a' }));
    // The state a SIGKILL between `git commit` and `git push` leaves, plus a half-written file.
    const clone = await cloneIn(workDir);
    await writeFile(join(clone, 'clusters/us-1/apps/payments/values.yaml'), 'half-written');
    await git(clone, ['commit', '--quiet', '-am', 'wavegate: the commit that never got pushed']);
    await writeFile(join(clone, 'clusters/us-2/apps/payments/values.yaml'), 'half-written too');
    await writeFile(join(clone, 'stray.txt'), 'untracked');
    const before = await remote.head();

    const restarted = await repositoryFor(remote, { workDir });
    await restarted.repository.apply(promotion({ clusters: ['eu-2'], version: '1.4.2', rollout: 'r-b' }));

    const [commit] = await remote.log(1);
    expect(commit?.parents).toEqual([before]);
    expect(await remote.readFile(valuesPath('us-1'))).toBe(valuesFile('us-1'));
    expect(await remote.readFile(valuesPath('us-2'))).toBe(valuesFile('us-2'));
    expect(await remote.readFile('stray.txt')).toBeNull();
  });

  it('clears the lock files a killed git left in its clone', async () => {
    const workDir = await remote.workDir();
    const { repository } = await repositoryFor(remote, { workDir });
    await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', rollout: 'r-a' }));
    const clone = await cloneIn(workDir);
    await writeFile(join(clone, '.git', 'index.lock'), '');
    await mkdir(join(clone, '.git', 'refs', 'remotes', 'origin'), { recursive: true });
    await writeFile(join(clone, '.git', 'refs', 'remotes', 'origin', 'main.lock'), '');

    const restarted = await repositoryFor(remote, { workDir });
    const result = await restarted.repository.apply(promotion({ clusters: ['eu-2'], version: '1.4.2', rollout: 'r-b' }));

    expect(result.created).toBe(true);
  });
});

describe('git repository: reading', () => {
  it('reads a file at the remote head, null when absent', async () => {
    const { repository } = await repositoryFor(remote);
    expect(await repository.readFile('fleet', 'main', valuesPath('us-2'))).toBe(valuesFile('us-2'));
    expect(await repository.readFile('fleet', 'main', 'clusters/nowhere/values.yaml')).toBeNull();
    expect(await repository.readFile('fleet', 'main', 'clusters')).toBeNull(); // a directory is not a file
  });

  it('lists recent commits with their trailers, newest first', async () => {
    const { repository } = await repositoryFor(remote);
    const first = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', wave: 'eu-canary' }));
    const second = await repository.apply(promotion({ clusters: ['us-1'], version: '1.4.2', wave: 'us' }));

    const history = await repository.history('fleet', 'main', 2);

    expect(history.map((c) => c.sha)).toEqual([second.sha, first.sha]);
    expect(trailer(history[0]?.trailers ?? [], 'Wavegate-Wave')).toBe('us');
    expect(history[1]?.subject).toBe('wavegate: promote payments 1.4.2 to wave eu-canary (1 clusters)');
  });
});
