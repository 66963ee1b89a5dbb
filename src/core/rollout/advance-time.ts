import { startAnalysis, startStep } from './progress.js';
import type { Rollout } from './rollout.js';
import { finish, pause, startRollback } from './transitions.js';

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * Transitions that only time causes: a bake that is over, a minimum step time reached, and every
 * deadline. Called before `decideAction` on each wake-up; returns the same object when nothing is due.
 */
export function advanceTime(r: Rollout, now: number): Rollout {
  if (r.status !== 'running') return r;
  const p = r.plan.policies;
  const s = r.stage;
  switch (s.kind) {
    case 'gate':
      return now - s.since > p.maxStepMs ? pause(r, `the error-budget gate stayed closed for ${minutes(now - s.since)}: ${s.lastReason ?? 'no reason'}`, now) : r;
    case 'promote':
      return now - s.since > p.maxStepMs ? pause(r, `could not commit the promotion for ${minutes(now - s.since)}: ${s.lastError ?? 'no error recorded'}`, now) : r;
    case 'awaitMerge':
      return now - s.since > p.maxStepMs ? pause(r, `the pull request branch ${s.branch} was not merged within ${minutes(p.maxStepMs)}`, now) : r;
    case 'converge':
      return now - s.since > p.convergenceTimeoutMs
        ? startRollback(r, `clusters ${s.pending.join(', ')} did not run ${r.version} within ${minutes(p.convergenceTimeoutMs)}`, now, 'rolledBack')
        : r;
    case 'bake':
      return now >= s.until ? startAnalysis(r, s.wave, s.step, s.stepStart, now) : r;
    case 'analyse':
      if (s.verdict === 'pass') return now >= s.stepStart + p.minStepMs ? startStep(r, s.wave, s.step + 1, now) : r;
      return now - s.stepStart > p.maxStepMs ? startRollback(r, `step ${r.plan.waves[s.wave]!.steps[s.step]!.name} of wave ${r.waves[s.wave]!.name} reached no verdict within ${minutes(p.maxStepMs)}`, now, 'rolledBack') : r;
    case 'rollback':
      return now - s.since > p.maxStepMs ? { ...finish(r, 'failed', now), events: [...r.events, { at: now, kind: 'failed', why: `could not commit the rollback: ${s.lastError ?? 'no error recorded'}` }] } : r;
    case 'rollbackConverge':
      if (now - s.since <= p.convergenceTimeoutMs) return r;
      return { ...finish(r, s.finalStatus, now), events: [...r.events, { at: now, kind: 'warning', detail: `rolled back in Git, but ${s.pending.join(', ')} did not converge within ${minutes(p.convergenceTimeoutMs)}` }] };
    case 'snapshot':
      return now - s.since > p.maxStepMs ? pause(r, 'could not read the current versions from Git', now) : r;
    default:
      return r;
  }
}
