import { GitConflictError, GitEditInvalidError, type GitError } from '../../errors/git-errors.js';
import type { EditProblem } from './edit-problem.js';

/**
 * What an edit problem means for the caller. An unexpected value is always a conflict. A missing
 * file or field, or a file that no longer parses, is a conflict when the same edits applied cleanly to
 * an earlier head in this call (someone changed the branch under us), and a plan error when they never
 * fit at all.
 */
export function editError(
  problem: EditProblem,
  context: { repo: string; branch: string; attempts: number; appliedBefore: boolean },
): GitError {
  const details = {
    repo: context.repo,
    branch: context.branch,
    attempts: context.attempts,
    reason: problem.kind,
    ...problem.details,
  };
  if (problem.kind === 'unexpectedValue') return new GitConflictError(problem.message, details);
  if (context.appliedBefore) {
    return new GitConflictError(`${problem.message} (changed on the branch while this change was being pushed)`, details);
  }
  return new GitEditInvalidError(problem.message, details);
}
