/**
 * The methods compared, with the settings each is run with and why they are fair (docs/judgment.md
 * repeats this table). Every method sees the same measurements of the same simulated rollout.
 */
import type { MetricSpec } from '../../src/core/analysis/model.js';
import type { ArgoMetricConfig } from './judges/argo.js';
import { argoJudge } from './judges/argo.js';
import { flaggerJudge } from './judges/flagger.js';
import type { JudgeFactory } from './judges/judge.js';
import { ACA_DEFAULTS } from './judges/kayenta-aca.js';
import { kayentaJudge } from './judges/kayenta.js';
import { oracleJudge } from './judges/oracle.js';
import { WAVEGATE_ALPHA, wavegateJudge } from './judges/wavegate.js';
import { bucketProbabilities, latencyPair } from './sim/latency.js';
import type { Scenario } from './scenario.js';

export interface Method {
  id: string;
  label: string;
  settings: string;
  /** Peers are compared with wavegate in the headline; the oracle is the yardstick. */
  role: 'wavegate' | 'peer' | 'oracle';
  factory: (s: Scenario) => JudgeFactory | null;
}

/**
 * The success-rate bound of the threshold rules: Flagger's documented 99% where the service meets
 * it; where the baseline itself fails more than 1% of requests, nobody would configure 99% (every
 * release would roll back), so those scenarios get 95% (the bound in Argo Rollouts' own example).
 */
/** wavegate at a tenth of its default α, to compare with peers "at equal or lower false rollback rate". */
export const STRICT_ID = 'wavegate-strict';
const STRICT_ALPHA = WAVEGATE_ALPHA / 10;

export function minSuccessRate(s: Scenario): number {
  return s.baselineErrorRate > 0.01 ? 0.95 : 0.99;
}

const flagger = (s: Scenario, threshold: number) => flaggerJudge({ minSuccessRatePercent: 100 * minSuccessRate(s), maxDurationMs: 500, threshold });

function argoMetrics(s: Scenario, failureLimit: number): ArgoMetricConfig[] {
  const common = { failureLimit, inconclusiveLimit: 0, consecutiveErrorLimit: 4 };
  return [
    { ...common, name: 'success-rate', successCondition: `result[0] >= ${minSuccessRate(s)}`, value: (v) => v.successRate.canary },
    { ...common, name: 'latency-p99', successCondition: 'result[0] <= 0.5', value: (v) => v.p99.canary },
  ];
}

const KAYENTA_METRIC = { ...ACA_DEFAULTS, direction: 'increase' as const };
const KAYENTA_THRESHOLDS = { pass: 95, marginal: 75 };

/** What the oracle is told: the true error ratio, or every bucket's true probability ratio. */
function oracleFor(s: Scenario): JudgeFactory | null {
  if (s.kind === 'errors') return oracleJudge({ kind: 'errors', ratio: s.errorEffect }, WAVEGATE_ALPHA);
  if (s.kind === 'latency') {
    const pair = latencyPair(s.latency, s.latencyTailIncrease);
    const a = bucketProbabilities(pair.baseline);
    const b = bucketProbabilities(pair.canary);
    return oracleJudge({ kind: 'latency', bucketRatios: a.map((p, k) => (p > 0 ? (b[k] as number) / p : NaN)) }, WAVEGATE_ALPHA);
  }
  return null;
}

export function methods(specs: MetricSpec[]): Method[] {
  const wavegate = wavegateJudge(specs);
  const strict = wavegateJudge(specs, STRICT_ALPHA);
  return [
    { id: 'wavegate', label: 'wavegate', role: 'wavegate', settings: 'shipped http-success-rate + http-latency templates (tolerance 1, passBelow 1.5, maxRate 5%; latency tail at the baseline\'s p95 bucket, p99 ≤ 1 s, distribution test), α = 0.01, checked every minute: exact looks spending 80% of each test\'s α as α·(t/T)^1.5 up to the budget\'s end, the anytime-valid mixture the rest; the three hours before the rollout as the error history', factory: () => wavegate },
    { id: STRICT_ID, label: 'wavegate (α = 0.1%)', role: 'wavegate', settings: 'the same at α = 0.001: the operating point for comparisons with peers that roll back fewer healthy canaries than wavegate does at α = 1%', factory: () => strict },
    { id: 'flagger', label: 'Flagger (threshold 5)', role: 'peer', settings: 'request-success-rate ≥ 99% (95% where the baseline fails > 1%), request-duration p99 ≤ 500 ms, interval 1m, threshold 5 (docs)', factory: (s) => flagger(s, 5) },
    { id: 'flagger-default', label: 'Flagger (threshold 1)', role: 'peer', settings: 'as above with threshold unset (Flagger\'s default: 1)', factory: (s) => flagger(s, 1) },
    { id: 'argo', label: 'Argo Rollouts (failureLimit 3)', role: 'peer', settings: 'successCondition result[0] >= 0.99 (0.95 where the baseline fails > 1%) and p99 result[0] <= 0.5, interval 1m, count = budget, failureLimit 3 (docs example)', factory: (s) => argoJudge(argoMetrics(s, 3)) },
    { id: 'argo-default', label: 'Argo Rollouts (failureLimit 0)', role: 'peer', settings: 'as above with failureLimit unset (default 0)', factory: (s) => argoJudge(argoMetrics(s, 0)) },
    { id: 'kayenta-end', label: 'Kayenta (at the end)', role: 'peer', settings: 'NetflixACAJudge on 1-minute series of 5xx ratio and p99, direction increase, defaults otherwise; pass 95, marginal 75; judged once when the budget ends', factory: () => kayentaJudge({ metric: KAYENTA_METRIC, thresholds: KAYENTA_THRESHOLDS, mode: 'end' }) },
    { id: 'kayenta-peek', label: 'Kayenta (every minute)', role: 'peer', settings: 'the same judge re-run every minute on all data so far; below marginal rolls back', factory: () => kayentaJudge({ metric: KAYENTA_METRIC, thresholds: KAYENTA_THRESHOLDS, mode: 'peek' }) },
    { id: 'oracle', label: 'oracle SPRT', role: 'oracle', settings: 'Wald SPRT told the true effect (per-bucket ratios for latency), α = 0.01; effect scenarios only', factory: oracleFor },
  ];
}
