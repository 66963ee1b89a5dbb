import type { RolloutAction } from './actions.js';
import { controlClusters, stepAlpha } from './progress.js';
import type { Rollout } from './rollout.js';
import { clusterPath } from './waves.js';

/** What the rollout needs done now (see actions.ts). Pure: the same rollout and time give the same action. */
export function decideAction(r: Rollout, now: number): RolloutAction {
  if (r.status === 'paused') return { kind: 'idle', reason: `paused: ${r.pausedReason ?? 'no reason given'}` };
  if (r.status !== 'running') return { kind: 'idle', reason: `finished: ${r.status}` };
  const s = r.stage;
  const path = (cluster: string) => clusterPath(r.plan.git.pathTemplate, cluster);
  switch (s.kind) {
    case 'snapshot':
      return { kind: 'readVersions', epoch: r.epoch, files: Object.fromEntries(r.waves.flatMap((w) => w.clusters).map((c) => [c, path(c)])) };
    case 'gate':
      return { kind: 'checkGate', epoch: r.epoch, wave: s.wave };
    case 'approval':
      return { kind: 'idle', reason: `waiting for approval of wave ${r.waves[s.wave]!.name}` };
    case 'promote': {
      const clusters = r.waves[s.wave]!.batches[s.batch]!;
      const wave = r.waves[s.wave]!.name;
      return {
        kind: 'commit',
        epoch: r.epoch,
        action: 'promote',
        wave,
        writes: clusters.map((c) => ({ cluster: c, path: path(c), version: r.version, expect: [r.previous[c]!, r.version] })),
        ...pullRequestBranch(r, 'promote', wave),
      };
    }
    case 'awaitMerge':
      return { kind: 'checkMerged', epoch: r.epoch, writes: s.writes };
    case 'converge':
      return { kind: 'checkConvergence', epoch: r.epoch, clusters: s.pending.map((c) => ({ cluster: c, version: r.version })) };
    case 'bake':
      return { kind: 'wait', until: s.until };
    case 'analyse': {
      const plan = r.plan.waves[s.wave]!.steps[s.step]!;
      if (s.verdict === 'pass') return { kind: 'wait', until: s.stepStart + r.plan.policies.minStepMs };
      if (s.analysisId) return { kind: 'readAnalysis', epoch: r.epoch, analysisId: s.analysisId };
      return {
        kind: 'startAnalysis',
        epoch: r.epoch,
        key: `rollout:${r.id}:wave:${s.wave}:step:${s.step}:epoch:${r.epoch}`,
        wave: s.wave,
        step: s.step,
        canary: r.waves[s.wave]!.clusters,
        control: controlClusters(r, s.wave),
        analysis: plan.analysis!,
        alpha: stepAlpha(r),
      };
    }
    case 'rollback':
      return {
        kind: 'commit',
        epoch: r.epoch,
        action: 'rollback',
        wave: currentWaveName(r),
        writes: r.touched.map((c) => ({ cluster: c, path: path(c), version: r.previous[c]!, expect: [r.version, r.previous[c]!] })),
        ...pullRequestBranch(r, 'rollback', currentWaveName(r)),
      };
    case 'rollbackConverge':
      return { kind: 'checkConvergence', epoch: r.epoch, clusters: s.pending.map((c) => ({ cluster: c, version: r.previous[c]! })) };
    case 'done':
      return { kind: 'idle', reason: `finished: ${r.status}` };
  }
}

/** Pull-request mode: one new branch per change (the epoch makes it unique and a replay finds it). */
function pullRequestBranch(r: Rollout, action: 'promote' | 'rollback', wave: string): { pullRequestBranch?: string } {
  return r.plan.git.pullRequest ? { pullRequestBranch: `wavegate/${r.app}/${r.id.slice(0, 8)}/${action}-${wave}-e${r.epoch}` } : {};
}

/** The wave the rollout was in when it stopped moving forward (for rollback commit messages). */
export function currentWaveName(r: Rollout): string {
  const waveOf = [...r.commits].reverse().find((c) => c.action === 'promote');
  return waveOf?.wave ?? r.waves[0]?.name ?? 'none';
}
