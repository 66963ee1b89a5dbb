/**
 * The Git side of a promotion or rollback: which files change and how, and the one commit that records
 * it. Plain data, so a GitChange can be built by the pure rollout core, persisted, and replayed after a
 * crash; `GitRepository` is the port an adapter implements (src/adapters/git/).
 */

/**
 * One edit of one file. Paths are relative to the repository root and must stay inside it.
 *
 * `expect` lists the values the field may hold before the edit (e.g. the version this wave is moving
 * from). Any other value means someone else changed it: a real conflict, never silently overwritten.
 * A field that already holds `value` is always fine (the edit is then a no-op). Omit `expect` to
 * accept any current value.
 */
export type FileEdit =
  | {
      kind: 'yamlField';
      /** e.g. `clusters/eu-1/apps/payments/values.yaml` */
      path: string;
      /**
       * Dot path to an existing scalar, e.g. `image.tag`; `[n]` indexes a sequence
       * (`containers[0].image`) and `["a.b"]` quotes a key that contains dots. A missing field is an
       * error, never created: a typo must not add a key nobody reads.
       */
      field: string;
      value: string;
      expect?: string[];
    }
  | {
      kind: 'kustomizeImage';
      /** The kustomization file, e.g. `clusters/eu-1/apps/payments/kustomization.yaml`. */
      path: string;
      /** `images[].name` to set; the entry is added when absent. */
      image: string;
      newTag: string;
      /** As above; an absent entry (or one without `newTag`) has the current value `''`. */
      expect?: string[];
    };

export interface GitChange {
  /** A configured repository NAME. Never a URL from a request: that is how SSRF starts. */
  repo: string;
  branch: string;
  /** Applied in order; several edits may touch one file. */
  edits: FileEdit[];
  /** One line, e.g. `wavegate: promote payments 1.4.2 to wave eu-canary (3 clusters)`. */
  subject: string;
  /** Free text (the verdict headline, a link to the explanation); may be empty. */
  body: string;
  /**
   * The commit's trailer block, in order: `Wavegate-Rollout`, `Wavegate-Wave`, `Wavegate-Action`,
   * `Wavegate-Verdict`, `Wavegate-Analysis`, `Wavegate-Epoch`, … Keys are `[A-Za-z0-9-]+`; values one line.
   */
  trailers: Array<[string, string]>;
  /**
   * The trailer keys that identify "the same change" (e.g. rollout, wave, action, epoch). A commit on
   * the branch carrying the same values for all of them, whose tree already holds the edited content,
   * is this change already made: it is returned instead of committing twice. Empty: only the content
   * is compared.
   */
  idempotencyTrailers: string[];
  /**
   * Pull-request mode: build the commit on `branch` but push it to this new branch, for a person (or a
   * forge's merge queue) to merge. A replay finds the branch and its commit instead of pushing again.
   */
  pushBranch?: string;
  /**
   * Called under the repository lock right before every push attempt; throws to refuse the change
   * (the rollout moved on while this worker waited, paused or froze). A stale worker's commit never
   * reaches the remote.
   */
  fence?: () => Promise<void>;
}

export interface GitChangeResult {
  /** The commit that holds the change: new, found by its trailers, or the head that already had it. */
  sha: string;
  /**
   * True when this call pushed a new commit. False when the change was already on the branch: either a
   * commit with matching idempotency trailers (`sha` is that commit) or content that was already as
   * desired with no such commit (`sha` is the branch head; nothing was committed).
   */
  created: boolean;
  /** Rounds of fetch → apply → push, 1 when the first push won. */
  attempts: number;
  /** The paths the change edits, deduplicated, in edit order. */
  files: string[];
}

export interface GitCommitSummary {
  sha: string;
  subject: string;
  /** The commit's trailers in order, values unfolded; keys as written. */
  trailers: Array<[string, string]>;
}

/**
 * Reads and changes configured Git repositories by commit and push only (never force).
 *
 * Every method throws, rather than returning null, when it cannot answer: `GitRepoUnknownError` (name
 * not configured), `GitBranchUnknownError`, `GitUnavailableError` (retryable: network, timeouts, a busy
 * lock, lost push races), `GitAuthError`. `apply` adds `GitConflictError` (the branch no longer fits the
 * edit's `expect`), `GitEditInvalidError` (the edit cannot fit the files) and `GitPushRejectedError`
 * (the host refused: hooks, protected branches). Aborting `signal` rejects with its reason.
 *
 * Deliberately left out: pull requests, creating branches, reading anything but the remote's branch
 * head (each call fetches first).
 */
export interface GitRepository {
  /**
   * Makes the change on the remote branch: one commit, pushed fast-forward, surviving races with other
   * writers by re-applying the edits on the new head. Idempotent: a replayed change makes no second
   * commit (see `GitChangeResult.created`).
   */
  apply(change: GitChange, signal?: AbortSignal): Promise<GitChangeResult>;
  /** The file at the remote branch head; null when no regular file exists at that path. */
  readFile(repo: string, branch: string, path: string): Promise<string | null>;
  /** The newest `limit` commits of the remote branch, newest first, following first parents. */
  history(repo: string, branch: string, limit: number): Promise<GitCommitSummary[]>;
}
