import type { Evidence, Measurement, ThresholdMetricSpec } from '../analysis/model.js';
import { compileCondition, type Condition } from './condition.js';
import { okData } from './interval-counts.js';
import type { JudgeContext, MetricJudgement } from './judgement.js';
import { measurementHealth, unmeasurableReason } from './measurement-health.js';

type Outcome = 'successful' | 'failed' | 'inconclusive';

/**
 * Argo Rollouts' rule, kept for templates that already express a threshold: each measurement is
 * Successful, Failed or Inconclusive by the conditions (failure wins when both hold); the metric fails
 * once failures exceed `failureLimit`. Empty and NaN readings are not data (the collector marks them
 * `nodata`), so unlike Argo they never count as a failure.
 */
export function judgeThreshold(spec: ThresholdMetricSpec, measurements: readonly Measurement[], ctx: JudgeContext): MetricJudgement {
  const health = measurementHealth(measurements);
  let conditions: { success?: Condition; failure?: Condition };
  try {
    conditions = {
      ...(spec.successCondition ? { success: compileCondition(spec.successCondition) } : {}),
      ...(spec.failureCondition ? { failure: compileCondition(spec.failureCondition) } : {}),
    };
  } catch (err) {
    return { verdict: 'inconclusive', evidence: { ...baseEvidence(health, {}, ctx), cause: 'badCondition' }, reason: `the condition cannot be read: ${(err as Error).message}` };
  }
  const counts: Record<Outcome, number> = { successful: 0, failed: 0, inconclusive: 0 };
  let lastValues: number[] = [];
  for (const d of okData(measurements, 'threshold')) {
    counts[outcome(d.values, conditions)] += 1;
    lastValues = d.values;
  }
  const evidence = baseEvidence(health, counts, ctx);
  evidence.estimates = { value: lastValues.length === 1 ? lastValues[0]! : null };
  const summary = `${counts.successful} successful, ${counts.failed} failed, ${counts.inconclusive} inconclusive measurements; last value ${lastValues.length ? lastValues.join(', ') : 'n/a'}`;

  if (counts.failed > spec.failureLimit) {
    return { verdict: 'fail', evidence, reason: `${summary}: more than ${spec.failureLimit} failed (${conditionText(spec)})` };
  }
  const broken = unmeasurableReason(health, ctx.consecutiveErrorLimit);
  if (broken) return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'unmeasurable' }, reason: `cannot measure: ${broken}` };
  if (counts.inconclusive > spec.inconclusiveLimit) {
    return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'inconclusiveLimit' }, reason: `${summary}: more than ${spec.inconclusiveLimit} inconclusive (${conditionText(spec)})` };
  }
  if (ctx.final) {
    if (counts.successful > 0) return { verdict: 'pass', evidence, reason: summary };
    return { verdict: 'inconclusive', evidence: { ...evidence, cause: 'missingEvents' }, reason: `no successful measurement: ${summary}` };
  }
  return { verdict: 'running', evidence, reason: summary };
}

function outcome(values: readonly number[], c: { success?: Condition; failure?: Condition }): Outcome {
  if (c.failure?.test(values)) return 'failed';
  if (c.success) {
    if (c.success.test(values)) return 'successful';
    return c.failure ? 'inconclusive' : 'failed';
  }
  return 'successful';
}

function conditionText(spec: ThresholdMetricSpec): string {
  const parts = [];
  if (spec.successCondition) parts.push(`success when ${spec.successCondition}`);
  if (spec.failureCondition) parts.push(`failure when ${spec.failureCondition}`);
  return parts.join('; ') || 'no conditions';
}

function baseEvidence(health: ReturnType<typeof measurementHealth>, counts: Partial<Record<Outcome, number>>, ctx: JudgeContext): Evidence {
  return {
    alpha: ctx.alpha,
    tests: Object.entries(counts).map(([name, n]) => ({ name: `${name} measurements: ${n}`, fired: name === 'failed' && n > 0 })),
    measurements: { ok: health.ok, nodata: health.nodata, error: health.error, consecutiveErrors: health.consecutiveErrors },
  };
}
