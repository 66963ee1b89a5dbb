import type { Rollout, RolloutEvent, Stage } from './rollout.js';

/** Moves to a new stage: bumps the epoch (so actions of the old stage are recognised as stale) and logs why. */
export function enter(r: Rollout, stage: Stage, now: number, event?: Omit<RolloutEvent, 'at'>): Rollout {
  return { ...r, stage, epoch: r.epoch + 1, updatedAt: now, events: event ? [...r.events, { at: now, ...event }] : r.events };
}

/** Stays in the stage but records something (a retry, a closed gate) without changing the epoch. */
export function note(r: Rollout, now: number, event: Omit<RolloutEvent, 'at'>): Rollout {
  return { ...r, updatedAt: now, events: [...r.events, { at: now, ...event }].slice(-500) };
}

export function pause(r: Rollout, reason: string, now: number, by?: string): Rollout {
  return { ...r, status: 'paused', pausedReason: reason, updatedAt: now, events: [...r.events, { at: now, kind: 'paused', why: reason, ...(by ? { by } : {}) }] };
}

/**
 * Starts the rollback of every touched cluster (or finishes at once when nothing was touched). A
 * batch whose promotion may be in flight (a worker inside the commit, a lost push reply, an open pull
 * request) counts as touched: its rollback write accepts either version, so restoring a cluster
 * that never moved is a no-op, while leaving out one that did would strand it on the new version.
 */
export function startRollback(input: Rollout, reason: string, now: number, finalStatus: 'rolledBack' | 'aborted', by?: string): Rollout {
  const r = { ...input, touched: [...new Set([...input.touched, ...inFlight(input)])] };
  const logged = { kind: finalStatus === 'aborted' ? 'aborted' : 'rollback', why: reason, ...(by ? { by } : {}) };
  if (r.touched.length === 0) return finish(enter({ ...r, status: 'running', pausedReason: null }, { kind: 'done', at: now }, now, logged), finalStatus, now);
  return enter({ ...r, status: 'running', pausedReason: null }, { kind: 'rollback', since: now, reason, finalStatus, lastError: null }, now, logged);
}

function inFlight(r: Rollout): string[] {
  const s = r.stage;
  if (s.kind === 'promote') return r.waves[s.wave]?.batches[s.batch] ?? [];
  if (s.kind === 'awaitMerge' && s.action === 'promote') return s.writes.map((w) => w.cluster);
  return [];
}

export function finish(r: Rollout, status: Rollout['status'], now: number): Rollout {
  return { ...r, status, stage: r.stage.kind === 'done' ? r.stage : { kind: 'done', at: now }, updatedAt: now };
}
