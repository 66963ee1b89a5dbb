import type { Stage } from '../../src/core/rollout/rollout.js';
import { FAILPOINTS } from '../../src/telemetry/failpoints.js';

/** How one incarnation of wavegate dies. */
export type KillStep =
  /** It kills itself (SIGKILL) the `pass`-th time it passes `failpoint` (WAVEGATE_FAILPOINTS). */
  | { kind: 'failpoint'; failpoint: string; pass: number }
  /** The test kills it as soon as the stored rollout is in this stage: it sets up the next step. */
  | { kind: 'stage'; stage: Stage['kind'] }
  /** The test kills it this long (real ms) after it started. */
  | { kind: 'timer'; afterMs: number };

/** Every failpoint on its 1st and 2nd pass, then each on a later one (`later(failpoint)`). */
export function everyFailpoint(later: (failpoint: string) => number): KillStep[] {
  return [1, 2, 0].flatMap((pass) => FAILPOINTS.map((failpoint): KillStep => ({ kind: 'failpoint', failpoint, pass: pass || later(failpoint) })));
}

/**
 * Killed after starting an analysis and before recording it: the process is killed in the bake, so
 * the next one's first action is `startAnalysis`, and that one dies right after it (its first
 * `rollout.afterAction`). The replay must find the analysis by its key, not start a second.
 */
export const betweenAnalysisAndRecord: KillStep[] = [
  { kind: 'stage', stage: 'bake' },
  { kind: 'failpoint', failpoint: 'rollout.afterAction', pass: 1 },
];

/** `n` kills from outside at seeded random moments, `minMs`..`maxMs` after each start. */
export function randomKills(n: number, random: () => number, minMs: number, maxMs: number): KillStep[] {
  return Array.from({ length: n }, () => ({ kind: 'timer' as const, afterMs: Math.round(minMs + random() * (maxMs - minMs)) }));
}

export function describeStep(s: KillStep | undefined): string {
  if (!s) return 'none';
  if (s.kind === 'failpoint') return `${s.failpoint}:${s.pass}`;
  return s.kind === 'stage' ? `in ${s.stage}` : `after ${s.afterMs} ms`;
}
