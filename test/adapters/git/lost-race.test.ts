import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitLogger } from '../../../src/adapters/git/options.js';
import { GitConflictError, GitUnavailableError } from '../../../src/errors/git-errors.js';
import { createTestRemote, valuesFile, valuesPath, type OutsideWriter, type TestRemote } from '../../harness/git.js';
import { captureLogger, promotion, repositoryFor } from './fixtures.js';

/**
 * Lost races made deterministic: an outside writer pushes right after the adapter's `git commit` and
 * before its `git push` — from the logger callback, which runs synchronously between the two.
 */
let remote: TestRemote;
let outside: OutsideWriter;
beforeEach(async () => {
  remote = await createTestRemote();
  outside = await remote.writer('outside');
});
afterEach(async () => {
  await remote.cleanup();
});

/** A logger that runs `between(n)` after the adapter's n-th `git commit` (1-based). */
function interceptCommits(between: (n: number) => void): GitLogger & { text(): string } {
  const logger = captureLogger();
  let commits = 0;
  return {
    ...logger,
    debug(obj, msg) {
      logger.debug(obj, msg);
      if (String(obj.command).startsWith('commit ')) between(++commits);
    },
  };
}

describe('git repository: lost push races', () => {
  it('re-applies the edit on the new head after a non-fast-forward and keeps the other writer\'s commit', async () => {
    const logger = interceptCommits((n) => {
      if (n === 1) outside.commitNow({ 'README.md': '# fleet, edited meanwhile\n' }, 'docs: meanwhile');
    });
    const { repository, sleeps } = await repositoryFor(remote, { logger });

    const result = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', from: ['1.4.1'] }));

    expect(result).toMatchObject({ created: true, attempts: 2 });
    expect(sleeps).toEqual([750]); // 1 s base, equal jitter with random() = 0.5
    const [ours, theirs] = await remote.log(2);
    expect(ours?.sha).toBe(result.sha);
    expect(ours?.parents).toEqual([theirs?.sha]); // rebased onto the outside commit, not merged
    expect(theirs?.subject).toBe('docs: meanwhile');
    expect(await remote.readFile('README.md')).toBe('# fleet, edited meanwhile\n');
    expect(await remote.readFile(valuesPath('eu-1'))).toContain('tag: "1.4.2"');
  });

  it('fails with GitConflictError when the field it edits changed to another value while it was pushing', async () => {
    const logger = interceptCommits((n) => {
      if (n === 1) outside.commitNow({ [valuesPath('eu-1')]: valuesFile('eu-1', '1.4.1-hotfix') }, 'hotfix');
    });
    const { repository } = await repositoryFor(remote, { logger });

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2', from: ['1.4.1'] })).catch((e) => e);

    expect(error).toBeInstanceOf(GitConflictError);
    expect(error.details).toMatchObject({ attempts: 2, actual: '1.4.1-hotfix', expected: ['1.4.1'] });
    expect((await remote.log(1))[0]?.subject).toBe('hotfix');
  });

  it('calls a field that vanished while it was pushing a conflict, not an invalid edit', async () => {
    const logger = interceptCommits((n) => {
      if (n === 1) outside.commitNow({ [valuesPath('eu-1')]: 'moved: elsewhere\n' }, 'restructure');
    });
    const { repository } = await repositoryFor(remote, { logger });

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitConflictError);
    expect(error.details).toMatchObject({ reason: 'missingField', path: valuesPath('eu-1'), field: 'image.tag' });
  });

  it('finds that another worker pushed the very same change meanwhile and does not commit it again', async () => {
    const change = promotion({ clusters: ['eu-1'], version: '1.4.2', from: ['1.4.1'] });
    // A twin (another worker replaying the same job) pushes the same edit with the same trailers first.
    const twinMessage = `${change.subject}\n\n${change.trailers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
    const logger = interceptCommits((n) => {
      if (n === 1) outside.commitNow({ [valuesPath('eu-1')]: valuesFile('eu-1', '1.4.2') }, twinMessage);
    });
    const { repository } = await repositoryFor(remote, { logger });

    const result = await repository.apply(change);

    const log = await remote.log();
    expect(result).toEqual({ sha: log[0]?.sha, created: false, attempts: 2, files: [valuesPath('eu-1')] });
    expect(log.filter((c) => c.subject === change.subject)).toHaveLength(1);
  });

  it('gives up after 10 lost races with a retryable GitUnavailableError, backing off 1 s × 1.5 up to 30 s', async () => {
    const logger = interceptCommits((n) => outside.commitNow({ [`notes/${n}.txt`]: `${n}\n` }, `notes: ${n}`));
    const { repository, sleeps } = await repositoryFor(remote, { logger });

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ attempts: 10, reason: 'nonFastForward' });
    // Ceilings 1000·1.5ⁿ (capped at 30 000), each waited ¾ of with random() = 0.5.
    expect(sleeps).toEqual([750, 1125, 1688, 2531, 3797, 5695, 8543, 12814, 19222]);
    const log = await remote.log();
    expect(log.filter((c) => c.subject.startsWith('wavegate:'))).toEqual([]);
    expect(log.filter((c) => c.subject.startsWith('notes:'))).toHaveLength(10);
  });

  it('caps the backoff at maxMs', async () => {
    const logger = interceptCommits((n) => outside.commitNow({ [`notes/${n}.txt`]: `${n}\n` }, `notes: ${n}`));
    const { repository, sleeps } = await repositoryFor(remote, {
      logger,
      maxAttempts: 4,
      backoff: { baseMs: 10_000, factor: 3, maxMs: 30_000 },
    });

    await expect(repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }))).rejects.toBeInstanceOf(GitUnavailableError);

    expect(sleeps).toEqual([7500, 22500, 22500]);
  });
});
