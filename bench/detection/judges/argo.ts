/**
 * Argo Rollouts' AnalysisRun (argoproj/argo-rollouts analysis/analysis.go, utils/analysis), as a
 * background analysis measuring every `interval` for `count` measurements:
 * - each measurement is Successful / Failed / Inconclusive by the conditions: failureCondition true →
 *   Failed; else successCondition true → Successful; with only successCondition set, anything else
 *   (NaN compares false) is Failed; with both set and neither true → Inconclusive;
 * - an empty query result is a measurement Error; more than `consecutiveErrorLimit` (4) errors in a
 *   row make the metric Error, which aborts like a failure;
 * - the metric Fails when failed measurements > `failureLimit` (default 0); it is Inconclusive when
 *   inconclusive measurements > `inconclusiveLimit` (default 0), which pauses the rollout;
 * - as in assessMetricFailureInconclusiveOrError, a later rule overrides an earlier one: Error over
 *   Inconclusive over Failed;
 * - the run is the worst of its metrics; Failed and Error abort (roll back) at once.
 * The conditions are evaluated with wavegate's implementation of Argo's expression semantics.
 */
import { compileCondition, type Condition } from '../../../src/core/judge/condition.js';
import type { Decision, Judge, JudgeFactory } from './judge.js';
import { intervalValues, type IntervalValues } from './interval-values.js';

export interface ArgoMetricConfig {
  name: string;
  successCondition?: string;
  failureCondition?: string;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  /** The query's value for one interval; null = empty result (no series). */
  value: (v: IntervalValues) => number | null;
}

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
export type MetricPhase = 'Running' | 'Failed' | 'Error' | 'Inconclusive';

export function measurementPhase(value: number | null, c: { success?: Condition; failure?: Condition }): MeasurementPhase {
  if (value === null) return 'Error';
  const result = [value];
  if (c.failure?.test(result)) return 'Failed';
  if (c.success) {
    if (c.success.test(result)) return 'Successful';
    return c.failure ? 'Inconclusive' : 'Failed';
  }
  return 'Successful'; // neither condition: always Successful unless the query errs
}

/** One metric's counters and its phase after each measurement. */
export class ArgoMetric {
  failed = 0;
  inconclusive = 0;
  consecutiveErrors = 0;
  private readonly c: { success?: Condition; failure?: Condition };
  constructor(private readonly cfg: ArgoMetricConfig) {
    this.c = {
      ...(cfg.successCondition ? { success: compileCondition(cfg.successCondition) } : {}),
      ...(cfg.failureCondition ? { failure: compileCondition(cfg.failureCondition) } : {}),
    };
  }

  measure(value: number | null): MetricPhase {
    const phase = measurementPhase(value, this.c);
    if (phase === 'Error') this.consecutiveErrors += 1;
    else this.consecutiveErrors = 0;
    if (phase === 'Failed') this.failed += 1;
    if (phase === 'Inconclusive') this.inconclusive += 1;
    if (this.consecutiveErrors > this.cfg.consecutiveErrorLimit) return 'Error';
    if (this.inconclusive > this.cfg.inconclusiveLimit) return 'Inconclusive';
    if (this.failed > this.cfg.failureLimit) return 'Failed';
    return 'Running';
  }
}

export function argoJudge(metrics: ArgoMetricConfig[]): JudgeFactory {
  return ({ budgetMinutes }) => {
    const state = metrics.map((m) => ({ cfg: m, metric: new ArgoMetric(m) }));
    let measured = 0;
    const judge: Judge = {
      observe(tick): Decision | null {
        const v = intervalValues(tick.measurements);
        const phases = state.map((s) => s.metric.measure(s.cfg.value(v)));
        measured += 1;
        if (phases.some((p) => p === 'Failed' || p === 'Error')) return { outcome: 'rollback', atMinute: tick.index };
        if (phases.includes('Inconclusive')) return { outcome: 'inconclusive', atMinute: tick.index };
        return measured >= budgetMinutes ? { outcome: 'promote', atMinute: tick.index } : null;
      },
    };
    return judge;
  };
}
