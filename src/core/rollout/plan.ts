import type { ClusterSelector } from './selector.js';

/**
 * A rollout plan as submitted (YAML file or `POST /api/v1/rollouts`), after validation. Durations are
 * milliseconds.
 */
export interface RolloutPlan {
  app: string;
  version: string;
  git: GitTarget;
  /** The workload whose rollout status decides that a cluster has converged. */
  workload: { namespace: string; kind: 'Deployment' | 'Rollout'; name: string };
  waves: WavePlan[];
  policies: RolloutPolicies;
}

export interface GitTarget {
  /** A configured repository name (never a URL from a request). */
  repo: string;
  branch: string;
  /** Per-cluster file, e.g. `clusters/{cluster}/apps/payments/values.yaml`. */
  pathTemplate: string;
  /** What to set: a YAML field (dot path) or a kustomize image's tag. */
  target: { kind: 'yamlField'; field: string } | { kind: 'kustomizeImage'; image: string };
  /** Open a branch and wait for it to be merged instead of pushing to `branch`. */
  pullRequest: boolean;
}

export interface WavePlan {
  name: string;
  selector: ClusterSelector;
  /** Clusters promoted at once: a count, or a percentage of the wave (rounded down, at least 1). */
  maxParallel: number | `${number}%`;
  /** Wait for a person's approval before the wave starts. */
  approval: boolean;
  steps: StepPlan[];
}

export interface StepPlan {
  name: string;
  /** Wait this long after convergence before judging (lets caches warm, traffic settle). */
  bakeMs: number;
  /** Analysis of the wave's clusters against the clusters still on the old version. */
  analysis: {
    templates: string[];
    args: Record<string, string>;
    intervalMs: number;
    maxDurationMs: number;
    /** `control` compares against clusters not yet promoted; `labels` uses in-cluster canary labels. */
    baseline: { kind: 'control' } | { kind: 'labels'; canary: Record<string, string>; baseline: Record<string, string> };
  } | null;
}

export interface RolloutPolicies {
  /** What an inconclusive analysis does. */
  onInconclusive: 'pause' | 'rollback';
  /** A step takes at least this long (bake included) and at most this long before it is a failure. */
  minStepMs: number;
  maxStepMs: number;
  /** How long clusters may take to converge on a new version. */
  convergenceTimeoutMs: number;
  /** Refuse to start a wave while the fleet burns its error budget too fast. */
  budgetGate: {
    templates: string[];
    args: Record<string, string>;
    /** Fleet-wide error-ratio queries per window are rendered from these templates' burnRate metrics. */
  } | null;
  /** Total false-rollback budget, split across the rollout's analysis steps. */
  alpha: number;
}
