import type { ActionOutcome, RolloutAction } from './actions.js';
import { afterGate, startBatch, startStep, startWave } from './progress.js';
import type { Rollout } from './rollout.js';
import { enter, finish, note, pause, startRollback } from './transitions.js';

/**
 * Applies what a worker found out. An outcome for an older epoch (a stale worker, or a replay after
 * a crash that another worker already moved past) changes nothing.
 */
export function applyOutcome(r: Rollout, action: RolloutAction, outcome: ActionOutcome, now: number): Rollout {
  if (!('epoch' in action) || action.epoch !== r.epoch || r.status !== 'running') return r;
  if (outcome.kind === 'failed') return applyFailure(r, action, outcome, now);
  const s = r.stage;
  switch (outcome.kind) {
    case 'versions': {
      const missing = Object.entries(outcome.versions).filter(([, v]) => v === null).map(([c]) => c);
      if (missing.length > 0) return pause(r, `no current version found in Git for ${missing.join(', ')}: check the path template and field`, now);
      return startWave({ ...r, previous: outcome.versions as Record<string, string> }, 0, now);
    }
    case 'gate':
      if (s.kind !== 'gate') return r;
      if (outcome.open) return afterGate(enter(r, s, now, { kind: 'gateOpen', detail: outcome.reason }), s.wave, now);
      return s.lastReason === outcome.reason ? r : note({ ...r, stage: { ...s, lastReason: outcome.reason } }, now, { kind: 'gateClosed', detail: outcome.reason });
    case 'committed':
      return applyCommit(r, action, outcome, now);
    case 'convergence': {
      const pending = outcome.pending.map((p) => p.cluster);
      if (s.kind === 'converge') {
        if (pending.length > 0) return { ...r, stage: { ...s, pending }, updatedAt: now };
        return startBatch(enter(r, s, now, { kind: 'converged', detail: r.waves[s.wave]!.batches[s.batch]!.join(', ') }), s.wave, s.batch + 1, now);
      }
      if (s.kind === 'rollbackConverge') {
        if (pending.length > 0) return { ...r, stage: { ...s, pending }, updatedAt: now };
        return finish(enter(r, { kind: 'done', at: now }, now, { kind: s.finalStatus, why: s.reason }), s.finalStatus, now);
      }
      return r;
    }
    case 'merged': {
      if (s.kind !== 'awaitMerge') return r;
      if (outcome.pending.length > 0) return r;
      const clusters = s.writes.map((w) => w.cluster);
      const merged = { kind: 'merged', detail: `${s.branch} reached ${r.plan.git.branch}` };
      if (s.action === 'promote') {
        return enter({ ...r, touched: [...new Set([...r.touched, ...clusters])] }, { kind: 'converge', wave: s.wave, batch: s.batch, since: now, pending: clusters }, now, merged);
      }
      return enter({ ...r, touched: [] }, { kind: 'rollbackConverge', since: now, reason: s.reason ?? 'rollback', finalStatus: s.finalStatus ?? 'rolledBack', pending: clusters }, now, merged);
    }
    case 'analysisStarted': {
      if (s.kind !== 'analyse' || action.kind !== 'startAnalysis') return r;
      const wave = r.waves[s.wave]!.name;
      const step = r.plan.waves[s.wave]!.steps[s.step]!.name;
      return { ...r, stage: { ...s, analysisId: outcome.analysisId }, analyses: [...r.analyses, { wave, step, analysisId: outcome.analysisId, verdict: null, headline: null }], updatedAt: now };
    }
    case 'analysis':
      return applyVerdict(r, outcome, now);
  }
}

function applyCommit(r: Rollout, action: RolloutAction, outcome: Extract<ActionOutcome, { kind: 'committed' }>, now: number): Rollout {
  if (action.kind !== 'commit') return r;
  const clusters = action.writes.map((w) => w.cluster);
  const commits = [...r.commits, { action: action.action, wave: action.wave, clusters, sha: outcome.sha, created: outcome.created, at: now }];
  const s = r.stage;
  if (action.pullRequestBranch && (s.kind === 'promote' || s.kind === 'rollback')) {
    const writes = action.writes.map(({ cluster, path, version }) => ({ cluster, path, version }));
    const waiting =
      s.kind === 'promote'
        ? { kind: 'awaitMerge' as const, action: 'promote' as const, wave: s.wave, batch: s.batch, since: now, branch: action.pullRequestBranch, writes }
        : { kind: 'awaitMerge' as const, action: 'rollback' as const, wave: 0, batch: 0, since: now, branch: action.pullRequestBranch, writes, reason: s.reason, finalStatus: s.finalStatus };
    return enter({ ...r, commits }, waiting, now, { kind: 'pullRequest', detail: `branch ${action.pullRequestBranch} at ${outcome.sha.slice(0, 12)} waits to be merged` });
  }
  if (s.kind === 'promote') {
    const touched = [...new Set([...r.touched, ...clusters])];
    return enter({ ...r, commits, touched }, { kind: 'converge', wave: s.wave, batch: s.batch, since: now, pending: clusters }, now, { kind: 'promoted', detail: `${clusters.join(', ')} at ${outcome.sha.slice(0, 12)}` });
  }
  if (s.kind === 'rollback') {
    return enter({ ...r, commits, touched: [] }, { kind: 'rollbackConverge', since: now, reason: s.reason, finalStatus: s.finalStatus, pending: clusters }, now, { kind: 'rolledBackInGit', detail: `${clusters.join(', ')} at ${outcome.sha.slice(0, 12)}` });
  }
  return r;
}

function applyVerdict(r: Rollout, outcome: Extract<ActionOutcome, { kind: 'analysis' }>, now: number): Rollout {
  const s = r.stage;
  if (s.kind !== 'analyse' || s.analysisId !== outcome.analysisId || outcome.verdict === 'running') return r;
  const analyses = r.analyses.map((a) => (a.analysisId === outcome.analysisId ? { ...a, verdict: outcome.verdict, headline: outcome.headline } : a));
  const judged = { ...r, analyses, updatedAt: now };
  const where = `wave ${r.waves[s.wave]!.name}, step ${r.plan.waves[s.wave]!.steps[s.step]!.name}`;
  switch (outcome.verdict) {
    case 'pass': {
      const passed = note({ ...judged, stage: { ...s, verdict: 'pass', headline: outcome.headline } }, now, { kind: 'stepPassed', detail: `${where}: ${outcome.headline}` });
      return now >= s.stepStart + r.plan.policies.minStepMs ? startStep(passed, s.wave, s.step + 1, now) : passed;
    }
    case 'fail':
      return startRollback(judged, `${where} failed: ${outcome.headline}`, now, 'rolledBack');
    case 'inconclusive': {
      const stopped = { ...judged, stage: { ...s, verdict: 'inconclusive' as const, headline: outcome.headline } };
      const reason = `${where} was inconclusive: ${outcome.headline}`;
      return r.plan.policies.onInconclusive === 'rollback' ? startRollback(stopped, reason, now, 'rolledBack') : pause(stopped, reason, now);
    }
  }
}

/** Retryable failures leave the stage as it is (the deadline bounds them); permanent ones need a person. */
function applyFailure(r: Rollout, action: RolloutAction, f: Extract<ActionOutcome, { kind: 'failed' }>, now: number): Rollout {
  const message = `${f.code}: ${f.message}`;
  const s = r.stage;
  const recorded = s.kind === 'promote' || s.kind === 'rollback' ? { ...r, stage: { ...s, lastError: message } } : r;
  if (f.retryable) return note(recorded, now, { kind: 'retry', detail: `${action.kind} failed, will retry: ${message}` });
  if (s.kind === 'rollback') return { ...finish(recorded, 'failed', now), events: [...r.events, { at: now, kind: 'failed', why: `the rollback commit failed: ${message}` }] };
  return pause(recorded, `${action.kind} failed: ${message}`, now);
}
