import { afterGate, startAnalysis, startStep } from './progress.js';
import type { Rollout } from './rollout.js';
import { enter, note, pause, startRollback } from './transitions.js';

/** What a person can ask through the API; every command is recorded with who and why. */
export interface RolloutCommand {
  kind: 'pause' | 'resume' | 'abort' | 'approve' | 'promote';
  by: string;
  why: string;
}

/** A command that makes no sense in the rollout's state (answered with 409 and this reason). */
export class RolloutCommandRefused extends Error {}

export function applyCommand(r: Rollout, cmd: RolloutCommand, now: number): Rollout {
  const logged = (x: Rollout) => note(x, now, { kind: cmd.kind, by: cmd.by, why: cmd.why });
  const s = r.stage;
  if (r.status !== 'running' && r.status !== 'paused') throw new RolloutCommandRefused(`the rollout has finished (${r.status})`);
  switch (cmd.kind) {
    case 'pause':
      if (r.status === 'paused') return r;
      if (s.kind === 'rollback' || s.kind === 'rollbackConverge' || (s.kind === 'awaitMerge' && s.action === 'rollback')) throw new RolloutCommandRefused('a rollback cannot be paused');
      return pause(r, `paused by ${cmd.by}: ${cmd.why}`, now, cmd.by);
    case 'abort':
      if (s.kind === 'rollback' || s.kind === 'rollbackConverge' || (s.kind === 'awaitMerge' && s.action === 'rollback')) throw new RolloutCommandRefused('the rollout is already rolling back');
      return startRollback(r, `aborted by ${cmd.by}: ${cmd.why}`, now, 'aborted', cmd.by);
    case 'resume':
      if (r.status !== 'paused') throw new RolloutCommandRefused('the rollout is not paused');
      return restartStage(logged({ ...r, status: 'running', pausedReason: null }), now);
    case 'approve':
      if (s.kind !== 'approval') throw new RolloutCommandRefused(`nothing waits for approval (stage: ${s.kind})`);
      return afterApproval(logged({ ...r, status: 'running', pausedReason: null }), now);
    case 'promote':
      return manualPromote(logged({ ...r, status: 'running', pausedReason: null }), now);
  }
}

/** Resuming repeats the stage that stopped, with a new epoch (a new analysis, a fresh deadline). */
function restartStage(r: Rollout, now: number): Rollout {
  const s = r.stage;
  switch (s.kind) {
    case 'analyse':
      return s.verdict === 'pass' ? r : startAnalysis(r, s.wave, s.step, now, now);
    case 'gate':
      return enter(r, { ...s, since: now, lastReason: null }, now);
    case 'promote':
      return enter(r, { ...s, since: now, lastError: null }, now);
    case 'converge':
    case 'awaitMerge':
      return enter(r, { ...s, since: now }, now);
    case 'snapshot':
      return enter(r, { kind: 'snapshot', since: now }, now);
    default:
      return r;
  }
}

function afterApproval(r: Rollout, now: number): Rollout {
  const s = r.stage;
  return s.kind === 'approval' ? afterGate({ ...r, approvedWaves: [...r.approvedWaves, s.wave] }, s.wave, now) : r;
}

/** A person says "go on": skips the gate, the approval, or the current step's bake and analysis. */
function manualPromote(r: Rollout, now: number): Rollout {
  const s = r.stage;
  switch (s.kind) {
    case 'gate':
      return afterGate(r, s.wave, now);
    case 'approval':
      return afterApproval(r, now);
    case 'bake':
    case 'analyse':
      return startStep(r, s.wave, s.step + 1, now);
    default:
      throw new RolloutCommandRefused(`nothing to promote past while in ${s.kind}`);
  }
}
