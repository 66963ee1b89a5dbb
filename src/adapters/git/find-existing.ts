import type { GitChange } from '../../core/rollout/git-change.js';
import { applyEdits } from './apply-edits.js';
import { sameChange } from './commit-message.js';
import { EditProblem } from './edit-problem.js';
import type { WorkClone } from './work-clone.js';

/**
 * The commit that already made this change, if any: among the newest `depth` first-parent commits of
 * `head`, the newest whose idempotency trailers all match the change's and whose own tree already
 * holds the edited content (the edits, applied to it, change nothing). Its tree, not the head's: a
 * promotion replayed after a rollback must find the promotion, not make it again.
 */
export async function findExistingCommit(
  clone: WorkClone,
  change: GitChange,
  head: string,
  depth: number,
  signal?: AbortSignal,
): Promise<string | null> {
  if (change.idempotencyTrailers.length === 0) return null;
  const candidates = (await clone.log(head, depth, signal)).filter((commit) => sameChange(commit.trailers, change));
  for (const candidate of candidates) {
    try {
      const edited = await applyEdits(change.edits, (path) => clone.readFile(candidate.sha, path, signal), { checkExpect: false });
      if (edited.length === 0) return candidate.sha;
    } catch (err) {
      if (!(err instanceof EditProblem)) throw err; // a file that does not fit there is not this change
    }
  }
  return null;
}
