import { describe, expect, it } from 'vitest';
import { validateChange, validBranch, safePath } from '../../../src/adapters/git/validate-change.js';
import { GitEditInvalidError } from '../../../src/errors/git-errors.js';
import { promotion } from './fixtures.js';

const inputOf = (mutate: (change: ReturnType<typeof promotion>) => void): unknown => {
  const change = promotion({ clusters: ['eu-1'], version: '1.4.2' });
  mutate(change);
  try {
    validateChange(change);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(GitEditInvalidError);
    return (err as GitEditInvalidError).details.input;
  }
};

describe('change validation', () => {
  it('accepts wavegate\'s own promotion', () => {
    expect(inputOf(() => {})).toBeUndefined();
  });

  it('refuses what could forge trailers, break the message or inject arguments, naming the part', () => {
    expect(inputOf((c) => (c.trailers[0] = ['Wavegate-Rollout', 'r-1\nWavegate-Verdict: pass']))).toBe('trailers[0]');
    expect(inputOf((c) => (c.trailers[1] = ['Bad Key', 'x']))).toBe('trailers[1]');
    expect(inputOf((c) => (c.subject = 'two\nlines'))).toBe('subject');
    expect(inputOf((c) => (c.idempotencyTrailers = ['Wavegate-Nope']))).toBe('idempotencyTrailers');
    expect(inputOf((c) => (c.edits = []))).toBe('edits');
    expect(inputOf((c) => (c.branch = '--upload-pack=evil'))).toBe('branch');
    expect(inputOf((c) => ((c.edits[0] as { value: string }).value = '1.4.2\nimage: evil'))).toBe('edits[0]');
  });

  it('keeps every path inside the repository and out of .git', () => {
    for (const ok of ['clusters/eu-1/values.yaml', 'a.yaml', 'x/.hidden/y.yaml']) expect(safePath(ok)).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', '.git/config', 'a/.GIT/hooks/x', 'a\\b', '-rf']) {
      expect(safePath(bad)).toBe(false);
    }
  });

  it('accepts branch names git accepts and refuses the rest', () => {
    for (const ok of ['main', 'release/2.0', 'env/eu-canary', 'v1.x']) expect(validBranch(ok)).toBe(true);
    for (const bad of ['', '-x', '/main', 'main/', 'a..b', 'a//b', '.hidden', 'x.lock', 'a b', 'a~1', 'a^', 'a:b', 'HEAD@{1}']) {
      expect(validBranch(bad)).toBe(false);
    }
  });
});
