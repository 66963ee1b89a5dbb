/**
 * A judge in the benchmark: fed the same simulated ticks as every other method, it answers once
 * with a decision and the minute it took it. Rollback = "the canary is worse"; promote = "ship it";
 * inconclusive = the method stopped without either (Argo's paused run, wavegate's too-few-events).
 */
import type { Counts } from '../../../src/core/analysis/model.js';
import type { Tick } from '../sim/traffic.js';

export type Outcome = 'rollback' | 'promote' | 'inconclusive';

export interface Decision {
  outcome: Outcome;
  /** Minutes since the analysis started (the end of the tick on which the method acted). */
  atMinute: number;
}

export interface Judge {
  observe(tick: Tick): Decision | null;
}

/** Builds a fresh judge for one simulated rollout of a scenario. */
export type JudgeFactory = (ctx: JudgeStart) => Judge;

export interface JudgeStart {
  budgetMinutes: number;
  /** The service's error counts per minute over the three hours before the rollout (for methods that read it). */
  historyBefore: () => Counts[];
}
