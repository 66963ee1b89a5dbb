import type { Verdict } from '../analysis/model.js';
import type { StepPlan } from './plan.js';

/**
 * What a rollout needs done next. The state machine is level-triggered: a worker asks
 * `decideAction(rollout, now)`, performs it (every action is idempotent: commits are recognised by
 * their trailers, analyses by their key, reads are reads), and feeds the outcome to `applyOutcome`.
 * A crash between the two only repeats the action.
 */
export type RolloutAction =
  | { kind: 'readVersions'; epoch: number; files: Record<string, string> }
  | { kind: 'checkGate'; epoch: number; wave: number }
  | {
      kind: 'commit';
      epoch: number;
      action: 'promote' | 'rollback';
      wave: string;
      /** cluster → version to write and the file to write it in. */
      writes: Array<{ cluster: string; path: string; version: string; expect: string[] }>;
      /** Pull-request mode: push the commit to this new branch instead of the target branch. */
      pullRequestBranch?: string;
    }
  /** Pull-request mode: has the target branch taken the change (merged, squashed or rebased)? */
  | { kind: 'checkMerged'; epoch: number; writes: Array<{ cluster: string; path: string; version: string }> }
  | { kind: 'checkConvergence'; epoch: number; clusters: Array<{ cluster: string; version: string }> }
  | {
      kind: 'startAnalysis';
      epoch: number;
      /** Idempotency key of the analysis: the same step and epoch always find the same analysis. */
      key: string;
      wave: number;
      step: number;
      canary: string[];
      control: string[];
      analysis: NonNullable<StepPlan['analysis']>;
      /** This step's share of the rollout's false-rollback budget. */
      alpha: number;
    }
  | { kind: 'readAnalysis'; epoch: number; analysisId: string }
  /** Nothing to do before `until` (bake, poll interval, minimum step time). */
  | { kind: 'wait'; until: number }
  /** Only a command (approve, resume, abort, promote) moves the rollout on. */
  | { kind: 'idle'; reason: string };

export type ActionOutcome =
  | { kind: 'versions'; versions: Record<string, string | null> }
  | { kind: 'gate'; open: boolean; reason: string }
  | { kind: 'committed'; sha: string; created: boolean }
  | { kind: 'merged'; pending: string[] }
  | { kind: 'convergence'; pending: Array<{ cluster: string; reason: string }> }
  | { kind: 'analysisStarted'; analysisId: string }
  | { kind: 'analysis'; analysisId: string; verdict: Verdict; headline: string }
  /** The action could not be performed; `retryable` says whether trying again may help. */
  | { kind: 'failed'; code: string; message: string; retryable: boolean };
