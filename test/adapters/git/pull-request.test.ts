import { afterEach, describe, expect, it } from 'vitest';
import { createGitRepository, createMemoryLock } from '../../../src/adapters/git/index.js';
import type { GitChange } from '../../../src/core/rollout/git-change.js';
import { GitConflictError } from '../../../src/errors/git-errors.js';
import { createTestRemote, valuesPath, type TestRemote } from '../../harness/git.js';

let remote: TestRemote | undefined;
afterEach(async () => {
  await remote?.cleanup();
  remote = undefined;
});

const change = (over: Partial<GitChange> = {}): GitChange => ({
  repo: 'fleet',
  branch: 'main',
  edits: [{ kind: 'yamlField', path: valuesPath('eu-1'), field: 'image.tag', value: '1.4.2', expect: ['1.4.1'] }],
  subject: 'wavegate: promote payments 1.4.2 to wave eu (1 cluster)',
  body: 'Sets payments to 1.4.2 in eu-1.',
  trailers: [
    ['Wavegate-Rollout', 'r1'],
    ['Wavegate-Action', 'promote'],
    ['Wavegate-Epoch', '7'],
  ],
  idempotencyTrailers: ['Wavegate-Rollout', 'Wavegate-Action', 'Wavegate-Epoch'],
  pushBranch: 'wavegate/payments/r1/promote-eu-e7',
  ...over,
});

async function repository(r: TestRemote) {
  return createGitRepository({ repos: { fleet: { url: r.url, author: { name: 'wavegate', email: 'w@example.com' } } }, workDir: await r.workDir(), lock: createMemoryLock() });
}

describe('pull-request mode', () => {
  it('pushes the change to its own branch and leaves the target branch alone', async () => {
    remote = await createTestRemote();
    const before = await remote.head();
    const result = await (await repository(remote)).apply(change());
    expect(result.created).toBe(true);
    expect(await remote.head()).toBe(before);
    expect(await remote.readFile(valuesPath('eu-1'), 'wavegate/payments/r1/promote-eu-e7')).toContain('tag: "1.4.2"');
  });

  it('finds its earlier push on a replay instead of pushing again', async () => {
    remote = await createTestRemote();
    const first = await (await repository(remote)).apply(change());
    const again = await (await repository(remote)).apply(change());
    expect(again).toMatchObject({ sha: first.sha, created: false });
  });

  it('refuses a branch that already holds a different change', async () => {
    remote = await createTestRemote();
    await (await repository(remote)).apply(change());
    await expect((await repository(remote)).apply(change({ trailers: [['Wavegate-Rollout', 'r2'], ['Wavegate-Action', 'promote'], ['Wavegate-Epoch', '7']] }))).rejects.toBeInstanceOf(GitConflictError);
  });
});
