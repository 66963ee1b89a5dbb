import type { Cluster } from './fleet.js';
import type { RolloutPlan } from './plan.js';
import type { Rollout } from './rollout.js';
import { describeSelector } from './selector.js';
import { resolveWaves } from './waves.js';

/** A plan problem, named by its field path the way the request spells it. */
export interface PlanProblem {
  field: string;
  reason: string;
}

/**
 * Checks a plan against the fleet. Problems are returned, not thrown, so the API can name the first
 * field and list all of them; nothing starts when there is one.
 */
export function planProblems(plan: RolloutPlan, fleet: readonly Cluster[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const knownKeys = new Set(fleet.flatMap((c) => Object.keys(c.labels)));
  plan.waves.forEach((w, i) => {
    for (const key of [...Object.keys(w.selector.matchLabels ?? {}), ...(w.selector.matchExpressions ?? []).map((e) => e.key)]) {
      if (!knownKeys.has(key)) problems.push({ field: `waves[${i}].selector`, reason: `no cluster has the label "${key}" (known: ${[...knownKeys].sort().join(', ') || 'none'})` });
    }
    if (w.steps.length === 0) problems.push({ field: `waves[${i}].steps`, reason: 'a wave needs at least one step' });
    w.steps.forEach((st, j) => {
      const field = `waves[${i}].steps[${j}]`;
      if (st.analysis && st.analysis.intervalMs > st.analysis.maxDurationMs) problems.push({ field: `${field}.analysis.interval`, reason: 'must not be longer than maxDuration' });
      // A healthy step that does not pass early ends at bake + maxDuration; it must fit in the step.
      const longest = st.bakeMs + (st.analysis?.maxDurationMs ?? 0);
      if (longest > plan.policies.maxStepMs) problems.push({ field: `${field}.analysis.maxDuration`, reason: `bake + maxDuration (${Math.round(longest / 1000)}s) exceeds policies.maxStepTime (${Math.round(plan.policies.maxStepMs / 1000)}s): a healthy step would be rolled back for taking too long` });
    });
  });
  const resolved = resolveWaves(plan.waves, fleet);
  resolved.forEach((w, i) => {
    if (w.clusters.length === 0) problems.push({ field: `waves[${i}].selector`, reason: `wave ${w.name} selects no cluster that an earlier wave has not taken (${describeSelector(plan.waves[i]!.selector)})` });
  });
  const names = plan.waves.map((w) => w.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) problems.push({ field: `waves[${i}].name`, reason: `duplicate wave name "${n}"` });
  });
  const clusters = resolved.flatMap((w) => w.clusters);
  if (clusters.length > 1 && !plan.git.pathTemplate.includes('{cluster}')) {
    problems.push({ field: 'git.pathTemplate', reason: 'must contain {cluster}: the plan touches several clusters, each with its own file' });
  }
  if (plan.policies.minStepMs > plan.policies.maxStepMs) problems.push({ field: 'policies.minStepTime', reason: 'must not exceed maxStepTime' });
  return problems;
}

export function newRollout(input: { id: string; plan: RolloutPlan; fleet: Cluster[]; now: number; by?: string }): Rollout {
  const { id, plan, fleet, now } = input;
  return {
    id,
    app: plan.app,
    version: plan.version,
    plan,
    fleet,
    waves: resolveWaves(plan.waves, fleet),
    previous: {},
    status: 'running',
    stage: { kind: 'snapshot', since: now },
    epoch: 1,
    touched: [],
    pausedReason: null,
    approvedWaves: [],
    analyses: [],
    commits: [],
    events: [{ at: now, kind: 'submitted', ...(input.by ? { by: input.by } : {}), detail: `${plan.app} ${plan.version} in ${plan.waves.length} waves` }],
    createdAt: now,
    updatedAt: now,
    revision: 0,
  };
}
