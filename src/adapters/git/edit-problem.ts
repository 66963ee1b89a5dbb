/**
 * Why an edit could not be applied to a file, before it becomes a domain error. The same problem
 * means different things at different times: a field missing on the first attempt is a bad plan
 * (GitEditInvalidError), one that vanished after a rebase onto a newer head is a conflict — so the
 * apply loop, which knows the attempt, decides (see `toGitError` in apply-change.ts).
 */
export type EditProblemKind =
  /** No regular file at the path. */
  | 'missingFile'
  /** The field path (or a step of it) does not exist. */
  | 'missingField'
  /** The current value is not one the edit `expect`s. */
  | 'unexpectedValue'
  /** Not YAML, several documents, a map where a value should be, a duplicate image entry, … */
  | 'invalid';

export class EditProblem extends Error {
  constructor(
    readonly kind: EditProblemKind,
    message: string,
    readonly details: { path: string; field?: string; expected?: string[]; actual?: string | null },
  ) {
    super(message);
    this.name = 'EditProblem';
  }
}
