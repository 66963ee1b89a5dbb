import type { GitChange } from '../../core/rollout/git-change.js';
import { GitEditInvalidError } from '../../errors/git-errors.js';
import { TRAILER_KEY } from './commit-message.js';

/**
 * Refuses a change that could escape the repository, inject arguments or break the commit format,
 * before anything touches git. Messages name the offending part (`edits[2].path`), never its content
 * beyond a short excerpt.
 */
export function validateChange(change: GitChange): void {
  const fail = (input: string, why: string): never => {
    throw new GitEditInvalidError(`${input}: ${why}`, { repo: change.repo, branch: change.branch, input });
  };
  if (!validBranch(change.branch)) fail('branch', 'not a valid branch name');
  if (change.pushBranch !== undefined && (!validBranch(change.pushBranch) || change.pushBranch === change.branch)) fail('pushBranch', 'not a valid branch name, or the target branch itself');
  if (change.edits.length === 0) fail('edits', 'a change needs at least one edit');
  change.edits.forEach((edit, i) => {
    if (!safePath(edit.path)) fail(`edits[${i}].path`, 'must be a relative path inside the repository, without .. or .git');
    const value = edit.kind === 'yamlField' ? edit.value : edit.newTag;
    if (value.length === 0 || /[\r\n\0]/.test(value)) fail(`edits[${i}]`, 'the new value must be one non-empty line');
    if (edit.kind === 'kustomizeImage' && (edit.image.length === 0 || /[\r\n\0\s]/.test(edit.image))) {
      fail(`edits[${i}].image`, 'not an image name');
    }
  });
  if (change.subject.trim().length === 0 || /[\r\n\0]/.test(change.subject)) fail('subject', 'must be one non-empty line');
  if (change.body.includes('\0')) fail('body', 'must not contain NUL');
  change.trailers.forEach(([key, value], i) => {
    if (!TRAILER_KEY.test(key)) fail(`trailers[${i}]`, 'key must be letters, digits and dashes');
    if (value.trim().length === 0 || /[\r\n\0]/.test(value)) fail(`trailers[${i}]`, 'value must be one non-empty line');
  });
  for (const key of change.idempotencyTrailers) {
    if (!change.trailers.some(([k]) => k.toLowerCase() === key.toLowerCase())) {
      fail('idempotencyTrailers', `${key} is not among the trailers`);
    }
  }
}

/** git's check-ref-format rules for a branch, plus no leading dash (argument injection). */
export function validBranch(branch: string): boolean {
  return (
    /^[A-Za-z0-9._/-]+$/.test(branch) &&
    !branch.startsWith('-') &&
    !branch.startsWith('/') &&
    !branch.endsWith('/') &&
    !branch.endsWith('.') &&
    !branch.includes('..') &&
    !branch.includes('//') &&
    branch.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'))
  );
}

export function safePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || /[\\\0\r\n]/.test(path) || path.startsWith('-')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part.toLowerCase() !== '.git');
}
