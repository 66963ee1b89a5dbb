import type { Analysis, AnalysisRequest } from '../core/analysis/model.js';
import { buildExplanation } from '../core/explain/explanation.js';
import type { ActionOutcome, RolloutAction } from '../core/rollout/actions.js';
import { workloadConverged, type ClusterClient } from '../core/rollout/cluster-client.js';
import { commitMessage } from '../core/rollout/commit-message.js';
import type { FileEdit, GitRepository } from '../core/rollout/git-change.js';
import type { Rollout } from '../core/rollout/rollout.js';
import { StaleActionError } from '../errors/stale-action-error.js';
import { WavegateError } from '../errors/wavegate-error.js';
import { readVersion } from './read-version.js';
import { scopeOf } from './scope-of.js';

/** The outside world a rollout acts on, each as the narrowest port that serves. */
export interface RolloutWorld {
  git: GitRepository;
  cluster: (name: string) => ClusterClient;
  analyses: {
    create(request: AnalysisRequest): Promise<{ analysis: Analysis }>;
    get(id: string): Promise<Analysis>;
    abort(id: string, reason: string, by?: string): Promise<Analysis>;
  };
  /** Whether the fleet's error budget lets a wave start (see budget-gate.ts). */
  budgetGate: (r: Rollout, wave: number) => Promise<{ open: boolean; reason: string }>;
  /** The rollout as stored now (status and epoch), to refuse a stale worker's commit before it is pushed. */
  current?: (id: string) => Promise<Pick<Rollout, 'status' | 'epoch'> | null>;
  now: () => number;
  explanationBaseUrl?: string;
}

/**
 * Performs one action and reports what happened. Never throws: every failure becomes a `failed`
 * outcome that says whether trying again may help, so the state machine decides what it means.
 */
export async function executeAction(r: Rollout, action: RolloutAction, world: RolloutWorld): Promise<ActionOutcome | null> {
  try {
    return await perform(r, action, world);
  } catch (err) {
    const e = err instanceof WavegateError ? err : null;
    return { kind: 'failed', code: e?.code ?? 'ACTION_FAILED', message: (err as Error).message, retryable: e?.retryable ?? true };
  }
}

/** Refuses a commit whose rollout has moved past the epoch it was decided in. */
async function checkStillCurrent(id: string, epoch: number, current: NonNullable<RolloutWorld['current']>): Promise<void> {
  const now = await current(id);
  if (!now || now.status !== 'running' || now.epoch !== epoch) {
    throw new StaleActionError(id, epoch, now ? `${now.status} at epoch ${now.epoch}` : 'gone');
  }
}

async function perform(r: Rollout, action: RolloutAction, world: RolloutWorld): Promise<ActionOutcome | null> {
  const { git } = r.plan;
  switch (action.kind) {
    case 'readVersions': {
      const versions: Record<string, string | null> = {};
      for (const [cluster, path] of Object.entries(action.files)) {
        versions[cluster] = readVersion(await world.git.readFile(git.repo, git.branch, path), git.target);
      }
      return { kind: 'versions', versions };
    }
    case 'checkGate':
      return { kind: 'gate', ...(await world.budgetGate(r, action.wave)) };
    case 'commit': {
      const message = commitMessage(r, action, { ...(world.explanationBaseUrl ? { explanationBaseUrl: world.explanationBaseUrl } : {}) });
      const edits: FileEdit[] = action.writes.map((w) =>
        git.target.kind === 'yamlField'
          ? { kind: 'yamlField', path: w.path, field: git.target.field, value: w.version, expect: w.expect }
          : { kind: 'kustomizeImage', path: w.path, image: git.target.image, newTag: w.version, expect: w.expect },
      );
      const fence = world.current ? () => checkStillCurrent(r.id, action.epoch, world.current!) : undefined;
      const result = await world.git.apply({ repo: git.repo, branch: git.branch, edits, ...message, ...(action.pullRequestBranch ? { pushBranch: action.pullRequestBranch } : {}), ...(fence ? { fence } : {}) });
      return { kind: 'committed', sha: result.sha, created: result.created };
    }
    case 'checkMerged': {
      const pending: string[] = [];
      for (const w of action.writes) {
        if (readVersion(await world.git.readFile(git.repo, git.branch, w.path), git.target) !== w.version) pending.push(w.cluster);
      }
      return { kind: 'merged', pending };
    }
    case 'checkConvergence': {
      const pending: Array<{ cluster: string; reason: string }> = [];
      for (const { cluster, version } of action.clusters) {
        const status = await world.cluster(cluster).workloadStatus({ cluster, ...r.plan.workload });
        if (!status) {
          pending.push({ cluster, reason: `${r.plan.workload.kind} ${r.plan.workload.namespace}/${r.plan.workload.name} not found` });
          continue;
        }
        const c = workloadConverged(status, version);
        if (!c.converged) pending.push({ cluster, reason: c.reason });
      }
      return { kind: 'convergence', pending };
    }
    case 'startAnalysis': {
      const byName = new Map(r.fleet.map((c) => [c.name, c]));
      const canary = scopeOf(action.canary.map((c) => byName.get(c)!));
      const control = scopeOf(action.control.map((c) => byName.get(c)!));
      const a = action.analysis;
      const scopes = a.baseline.kind === 'control' ? { canary, baseline: control } : { canary: { ...canary, ...a.baseline.canary }, baseline: { ...canary, ...a.baseline.baseline } };
      const { analysis } = await world.analyses.create({
        key: action.key,
        templates: a.templates,
        args: a.args,
        scopes,
        startTime: world.now(),
        intervalMs: a.intervalMs,
        maxDurationMs: a.maxDurationMs,
        alpha: action.alpha,
        source: `rollout:${r.id}`,
      });
      return { kind: 'analysisStarted', analysisId: analysis.id };
    }
    case 'readAnalysis': {
      const analysis = await world.analyses.get(action.analysisId);
      if (analysis.verdict === 'running') return null;
      const headline = buildExplanation(analysis, {}).headline;
      return { kind: 'analysis', analysisId: analysis.id, verdict: analysis.verdict, headline };
    }
    case 'wait':
    case 'idle':
      return null;
  }
}
