import type { Verdict } from '../analysis/model.js';
import type { Cluster } from './fleet.js';
import type { RolloutPlan } from './plan.js';
import type { ResolvedWave } from './waves.js';

/**
 * A rollout: a persisted state machine over its plan. Every stage has a deadline (except the states
 * that wait for a person: approval and paused, which say so). `epoch` increases with every stage
 * change and is written into every side effect (commit trailers, analysis keys), so a replayed action
 * is recognised and a stale worker's write is refused. Times are epoch milliseconds.
 */
export type RolloutStatus = 'running' | 'paused' | 'succeeded' | 'rolledBack' | 'aborted' | 'failed';

export type Stage =
  /** Reading each cluster's current version from Git, to know what a rollback restores. */
  | { kind: 'snapshot'; since: number }
  /** The fleet's error-budget gate must be open before the wave starts. */
  | { kind: 'gate'; wave: number; since: number; lastReason: string | null }
  /** Waiting for a person to approve the wave. */
  | { kind: 'approval'; wave: number; since: number }
  /** Committing the new version for one batch of the wave. */
  | { kind: 'promote'; wave: number; batch: number; since: number; lastError: string | null }
  /** Pull-request mode: the change is on its own branch; waiting for a person to merge it. */
  | {
      kind: 'awaitMerge';
      action: 'promote' | 'rollback';
      /** Promote: the wave and batch; rollback: the wave it was in. */
      wave: number;
      batch: number;
      since: number;
      branch: string;
      writes: Array<{ cluster: string; path: string; version: string }>;
      /** Rollback only: why, and how the rollout ends. */
      reason?: string;
      finalStatus?: 'rolledBack' | 'aborted';
    }
  /** Waiting for the batch's clusters to run the new version. */
  | { kind: 'converge'; wave: number; batch: number; since: number; pending: string[] }
  /** Letting the wave settle before judging it. */
  | { kind: 'bake'; wave: number; step: number; stepStart: number; until: number }
  /** Judging the wave against the control group. */
  | { kind: 'analyse'; wave: number; step: number; stepStart: number; analysisId: string | null; verdict: Verdict | null; headline: string | null }
  /** One commit restoring the previous version in every cluster already touched. */
  | { kind: 'rollback'; since: number; reason: string; finalStatus: 'rolledBack' | 'aborted'; lastError: string | null }
  /** Waiting for the rolled-back clusters to run the previous version again. */
  | { kind: 'rollbackConverge'; since: number; reason: string; finalStatus: 'rolledBack' | 'aborted'; pending: string[] }
  | { kind: 'done'; at: number };

export interface RolloutEvent {
  at: number;
  kind: string;
  /** Who asked (API caller) for commands; absent for wavegate's own decisions. */
  by?: string;
  why?: string;
  detail?: string;
}

export interface Rollout {
  id: string;
  app: string;
  version: string;
  plan: RolloutPlan;
  /** The clusters as they were when the rollout was submitted. */
  fleet: Cluster[];
  waves: ResolvedWave[];
  /** Each cluster's version before the rollout (what a rollback restores); filled by the snapshot. */
  previous: Record<string, string>;
  status: RolloutStatus;
  stage: Stage;
  epoch: number;
  /** Clusters whose Git file now names the new version. */
  touched: string[];
  pausedReason: string | null;
  /** Waves a person approved (plans may ask for approval before a wave). */
  approvedWaves: number[];
  analyses: Array<{ wave: string; step: string; analysisId: string; verdict: Verdict | null; headline: string | null }>;
  commits: Array<{ action: 'promote' | 'rollback'; wave: string; clusters: string[]; sha: string; created: boolean; at: number }>;
  events: RolloutEvent[];
  createdAt: number;
  updatedAt: number;
  revision: number;
}

export const ACTIVE_STATUSES: readonly RolloutStatus[] = ['running', 'paused'];

export function isActive(r: Pick<Rollout, 'status'>): boolean {
  return ACTIVE_STATUSES.includes(r.status);
}
