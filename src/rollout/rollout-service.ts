import type { Logger } from 'pino';
import type { AnalysisRequest, MetricSpec } from '../core/analysis/model.js';
import type { ActionOutcome } from '../core/rollout/actions.js';
import { advanceTime } from '../core/rollout/advance-time.js';
import { applyOutcome } from '../core/rollout/apply.js';
import { applyCommand, RolloutCommandRefused, type RolloutCommand } from '../core/rollout/commands.js';
import { decideAction } from '../core/rollout/decide.js';
import type { Cluster } from '../core/rollout/fleet.js';
import { newRollout, planProblems } from '../core/rollout/new-rollout.js';
import type { RolloutPlan } from '../core/rollout/plan.js';
import type { Rollout } from '../core/rollout/rollout.js';
import type { RolloutStore } from '../core/rollout/rollout-store.js';
import { RolloutNotFoundError, StaleRolloutError } from '../errors/rollout-errors.js';
import { InvalidPlanError } from '../errors/plan-errors.js';
import { RolloutCommandError } from '../errors/rollout-command-error.js';
import type { Failpoint } from '../telemetry/failpoints.js';
import { withLease } from '../jobs/lease-keeper.js';
import { executeAction, type RolloutWorld } from './execute-action.js';

export interface RolloutServiceDeps {
  store: RolloutStore;
  world: RolloutWorld;
  fleet: () => Cluster[];
  /** Renders analysis templates; used to refuse a plan whose templates or args cannot work. */
  renderSpecs: (r: AnalysisRequest) => MetricSpec[];
  /** Repositories wavegate may write (names only; URLs and credentials stay in the adapter). */
  repos: () => string[];
  now: () => number;
  newId: () => string;
  owner: string;
  logger: Logger;
  leaseTtlMs?: number;
  /** Actions one `work` call may perform before yielding (a safety bound, not a pacing rule). */
  maxActionsPerWork?: number;
  onChange?: (before: Rollout | null, after: Rollout) => void;
  /** Crash-test hook (telemetry/failpoints.ts); a no-op in production. */
  failpoint?: Failpoint;
}

/**
 * Runs rollouts: validates and stores plans, applies people's commands, and `work(id)` drives one
 * rollout as far as it can go now (under a lease, each step persisted before the next action), so a
 * crash at any point only repeats an idempotent action.
 */
export class RolloutService {
  constructor(private readonly deps: RolloutServiceDeps) {}

  async submit(plan: RolloutPlan, by?: string): Promise<Rollout> {
    const fleet = this.deps.fleet();
    const problems = planProblems(plan, fleet);
    if (!this.deps.repos().includes(plan.git.repo)) problems.push({ field: 'git.repo', reason: `"${plan.git.repo}" is not a configured repository (configured: ${this.deps.repos().join(', ') || 'none'})` });
    problems.push(...this.templateProblems(plan));
    if (problems.length > 0) throw new InvalidPlanError(problems);
    const rollout = await this.deps.store.create(newRollout({ id: this.deps.newId(), plan, fleet, now: this.deps.now(), ...(by ? { by } : {}) }));
    this.deps.onChange?.(null, rollout);
    this.deps.logger.info({ rolloutId: rollout.id, app: plan.app, version: plan.version, waves: rollout.waves.map((w) => `${w.name}:${w.clusters.length}`) }, 'rollout submitted');
    return rollout;
  }

  async get(id: string): Promise<Rollout> {
    const r = await this.deps.store.get(id);
    if (!r) throw new RolloutNotFoundError(id);
    return r;
  }

  list(filter: Parameters<RolloutStore['list']>[0]) {
    return this.deps.store.list(filter);
  }

  async command(id: string, cmd: RolloutCommand): Promise<Rollout> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(id);
      let next: Rollout;
      try {
        next = applyCommand(current, cmd, this.deps.now());
      } catch (err) {
        if (err instanceof RolloutCommandRefused) throw new RolloutCommandError(cmd.kind, err.message);
        throw err;
      }
      try {
        const saved = await this.save(current, next);
        this.deps.logger.info({ rolloutId: id, command: cmd.kind, by: cmd.by, why: cmd.why }, 'rollout command');
        return saved;
      } catch (err) {
        if (!(err instanceof StaleRolloutError) || attempt >= 5) throw err;
      }
    }
  }

  /**
   * Moves a rollout on as far as it can go now. Returns when it waits (for time, a cluster, an
   * analysis or a person), or null when another process holds its lease.
   */
  async work(id: string): Promise<Rollout | null> {
    const { store } = this.deps;
    const lease = { owner: this.deps.owner, ttlMs: this.deps.leaseTtlMs ?? 120_000, now: () => this.deps.now(), onLost: (why: string) => this.deps.logger.warn({ rolloutId: id, why }, 'rollout lease lost; stopping before the next step') };
    return withLease(store, id, lease, async (held) => {
      let r = await store.get(id);
      // A step started under a lost lease could overlap another worker's; what was done is fenced.
      for (let i = 0; r && !held.lost && i < (this.deps.maxActionsPerWork ?? 50); i++) {
        const now = this.deps.now();
        const timed = advanceTime(r, now);
        if (timed !== r) r = await this.save(r, timed);
        const action = decideAction(r, now);
        if (action.kind === 'idle') return r;
        // A wait that is already over (a bake of 0, a step whose minimum time has passed) moves on now.
        if (action.kind === 'wait') {
          if (action.until > this.deps.now()) return r;
          continue;
        }
        this.deps.failpoint?.('rollout.beforeAction');
        const outcome: ActionOutcome | null = await executeAction(r, action, this.deps.world);
        this.deps.failpoint?.('rollout.afterAction');
        if (!outcome) return r;
        const next = applyOutcome(r, action, outcome, this.deps.now());
        if (next === r) return r;
        r = await this.save(r, next);
        this.deps.failpoint?.('rollout.afterSave');
        if (outcome.kind === 'failed' || (outcome.kind === 'convergence' && outcome.pending.length > 0) || (outcome.kind === 'gate' && !outcome.open)) return r;
      }
      return r;
    });
  }

  /**
   * When `work` has something to do for this rollout (ms; `now` when an action is due), or null when
   * only a command can move it. Callers pace themselves (a poll interval, a job delay).
   */
  nextWakeAt(r: Rollout): number | null {
    const now = this.deps.now();
    const timed = advanceTime(r, now);
    // A transition that time has made but nobody has stored yet (a deadline, the end of a bake) is work.
    if (timed !== r) return now;
    const action = decideAction(timed, now);
    if (action.kind === 'idle') return null;
    return action.kind === 'wait' ? action.until : now;
  }

  /**
   * A step left without its verdict (promoted past, timed out, aborted) must not keep querying
   * Prometheus until its maxDuration: stop its analysis. Best effort — the analysis ends on its own.
   */
  private async stopAbandonedAnalysis(before: Rollout, after: Rollout): Promise<void> {
    const b = before.stage;
    if (b.kind !== 'analyse' || !b.analysisId || b.verdict !== null) return;
    if (after.stage.kind === 'analyse' && after.stage.analysisId === b.analysisId) return;
    const reason = `rollout ${after.id} moved on without this analysis (${after.events.at(-1)?.kind ?? after.stage.kind})`;
    await this.deps.world.analyses.abort(b.analysisId, reason, 'wavegate').catch((err: unknown) => this.deps.logger.warn({ err, analysisId: b.analysisId }, 'could not stop an abandoned analysis'));
  }

  private templateProblems(plan: RolloutPlan): Array<{ field: string; reason: string }> {
    const problems: Array<{ field: string; reason: string }> = [];
    // Render as the step will: its own interval, and the fleet's scope labels (a cluster's values).
    const scope = this.deps.fleet()[0]?.scope ?? { cluster: 'x' };
    const check = (field: string, templates: string[], args: Record<string, string>, intervalMs = 60_000, extra: { canary?: Record<string, string>; baseline?: Record<string, string> } = {}) => {
      try {
        this.deps.renderSpecs({ templates, args, scopes: { canary: { ...scope, ...extra.canary }, baseline: { ...scope, ...extra.baseline } }, startTime: 0, intervalMs, maxDurationMs: intervalMs, alpha: 0.01 });
      } catch (err) {
        problems.push({ field, reason: (err as Error).message });
      }
    };
    plan.waves.forEach((w, i) =>
      w.steps.forEach((s, j) => {
        if (!s.analysis) return;
        const labels = s.analysis.baseline.kind === 'labels' ? { canary: s.analysis.baseline.canary, baseline: s.analysis.baseline.baseline } : {};
        check(`waves[${i}].steps[${j}].analysis`, s.analysis.templates, s.analysis.args, s.analysis.intervalMs, labels);
      }),
    );
    if (plan.policies.budgetGate) check('policies.budgetGate', plan.policies.budgetGate.templates, plan.policies.budgetGate.args);
    return problems;
  }

  private async save(before: Rollout, after: Rollout): Promise<Rollout> {
    const saved = await this.deps.store.update(after, before.revision);
    this.deps.onChange?.(before, saved);
    await this.stopAbandonedAnalysis(before, saved);
    if (before.stage.kind !== saved.stage.kind || before.status !== saved.status) {
      this.deps.logger.info({ rolloutId: saved.id, status: saved.status, stage: saved.stage.kind, epoch: saved.epoch, event: saved.events.at(-1) }, 'rollout moved');
    }
    return saved;
  }
}
