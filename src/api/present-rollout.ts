import type { Rollout } from '../core/rollout/rollout.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The rollout resource: where it stands, per wave and cluster, with the evidence and the Git story. */
export function presentRollout(r: Rollout, baseUrl: string) {
  const stage = r.stage;
  const currentWave = 'wave' in stage ? stage.wave : null;
  return {
    id: r.id,
    app: r.app,
    version: r.version,
    status: r.status,
    stage: { ...stage, ...('since' in stage ? { since: iso(stage.since) } : {}), ...('until' in stage ? { until: iso(stage.until) } : {}), ...('stepStart' in stage ? { stepStart: iso(stage.stepStart) } : {}), ...('at' in stage ? { at: iso(stage.at) } : {}) },
    epoch: r.epoch,
    pausedReason: r.pausedReason,
    waves: r.waves.map((w, i) => ({
      name: w.name,
      state: waveState(r, i, currentWave),
      clusters: w.clusters.map((c) => ({ name: c, version: r.touched.includes(c) ? r.version : (r.previous[c] ?? null), previous: r.previous[c] ?? null })),
      batches: w.batches,
    })),
    analyses: r.analyses.map((a) => ({ ...a, url: `${baseUrl}/api/v1/analyses/${a.analysisId}`, explanationUrl: `${baseUrl}/api/v1/analyses/${a.analysisId}/explanation` })),
    commits: r.commits.map((c) => ({ ...c, at: iso(c.at) })),
    events: r.events.map((e) => ({ ...e, at: iso(e.at) })),
    plan: r.plan,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

function waveState(r: Rollout, i: number, current: number | null): 'pending' | 'active' | 'passed' | 'rolledBack' {
  const rolledBack = r.status === 'rolledBack' || r.status === 'aborted';
  const promoted = r.commits.some((c) => c.action === 'promote' && c.wave === r.waves[i]!.name);
  if (rolledBack && promoted) return 'rolledBack';
  if (current === i && r.status !== 'succeeded') return 'active';
  if (r.status === 'succeeded' || (current !== null && i < current)) return 'passed';
  return 'pending';
}
