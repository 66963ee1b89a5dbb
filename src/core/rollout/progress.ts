import type { Rollout } from './rollout.js';
import { enter, finish } from './transitions.js';

/**
 * The forward path of a rollout: wave → gate → approval → batches (promote, converge) → steps (bake,
 * analyse) → next wave. Each function enters the next stage that applies, skipping what a plan leaves out.
 */
export function startWave(r: Rollout, wave: number, now: number): Rollout {
  if (wave >= r.waves.length) return finish(enter(r, { kind: 'done', at: now }, now, { kind: 'succeeded', detail: `${r.app} ${r.version} runs in every wave` }), 'succeeded', now);
  const resolved = r.waves[wave]!;
  if (resolved.clusters.length === 0) {
    return startWave({ ...r, events: [...r.events, { at: now, kind: 'waveSkipped', detail: `wave ${resolved.name} selects no cluster` }] }, wave + 1, now);
  }
  if (r.plan.policies.budgetGate) return enter(r, { kind: 'gate', wave, since: now, lastReason: null }, now, { kind: 'waveStarted', detail: resolved.name });
  return afterGate(enter(r, r.stage, now, { kind: 'waveStarted', detail: resolved.name }), wave, now);
}

export function afterGate(r: Rollout, wave: number, now: number): Rollout {
  if (r.plan.waves[wave]!.approval && !r.approvedWaves.includes(wave)) return enter(r, { kind: 'approval', wave, since: now }, now);
  return startBatch(r, wave, 0, now);
}

export function startBatch(r: Rollout, wave: number, batch: number, now: number): Rollout {
  if (batch >= r.waves[wave]!.batches.length) return startStep(r, wave, 0, now);
  return enter(r, { kind: 'promote', wave, batch, since: now, lastError: null }, now);
}

export function startStep(r: Rollout, wave: number, step: number, now: number): Rollout {
  const steps = r.plan.waves[wave]!.steps;
  if (step >= steps.length) return startWave(enter(r, r.stage, now, { kind: 'wavePassed', detail: r.waves[wave]!.name }), wave + 1, now);
  return enter(r, { kind: 'bake', wave, step, stepStart: now, until: now + steps[step]!.bakeMs }, now);
}

/** After the bake: judge the step, or (a step without analysis) treat it as passed. */
export function startAnalysis(r: Rollout, wave: number, step: number, stepStart: number, now: number): Rollout {
  const plan = r.plan.waves[wave]!.steps[step]!;
  if (!plan.analysis) return enter(r, { kind: 'analyse', wave, step, stepStart, analysisId: null, verdict: 'pass', headline: 'no analysis in this step' }, now);
  return enter(r, { kind: 'analyse', wave, step, stepStart, analysisId: null, verdict: null, headline: null }, now);
}

/** The false-rollback budget of one analysis step: α split over every analysed step of the plan. */
export function stepAlpha(r: Rollout): number {
  const analysed = r.plan.waves.reduce((n, w) => n + w.steps.filter((s) => s.analysis).length, 0);
  return r.plan.policies.alpha / Math.max(1, analysed);
}

/** Clusters that serve as the control group for a wave: not yet promoted, else the earlier waves. */
export function controlClusters(r: Rollout, wave: number): string[] {
  const inRollout = r.waves.flatMap((w) => w.clusters);
  const untouched = r.fleet.map((c) => c.name).filter((c) => !r.touched.includes(c) && !r.waves[wave]!.clusters.includes(c));
  if (untouched.length > 0) return untouched;
  // The last wave has no untouched control: compare with the earlier waves, already judged healthy.
  return inRollout.filter((c) => !r.waves[wave]!.clusters.includes(c));
}
