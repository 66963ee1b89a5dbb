import { describe, expect, it } from 'vitest';
import { buildExplanation } from '../../../src/core/explain/explanation.js';
import { aborted, failedRatio, inconclusiveMissing, marginal, measurementErrors, passedAllKinds, running, thresholdFail } from './fixtures.js';

describe('the headline', () => {
  it('of a failed ratio names the deciding metric, both rates in percent, the ratio with its interval, evidence vs 1/α, counts and the range', () => {
    const e = buildExplanation(failedRatio(), {});
    expect(e.verdict).toBe('fail');
    expect(e.decidingMetric).toBe('http-errors/error-rate');
    expect(e.headline).toMatch(/^FAIL \(critical metric failed, score 0\): http-errors\/error-rate — /);
    expect(e.headline).toContain('checkout error rate 1.10% on the canary vs 0.50% on the baseline');
    expect(e.headline).toContain('2.20× (99.7% interval 1.60×–3.10×, tolerance 1.20×)');
    expect(e.headline).toContain('evidence 412 ≥ 1/α = 300');
    expect(e.headline).toContain('120 bad of 10,900 canary events vs 50 of 10,000 on the baseline');
    expect(e.headline).toContain('2024-03-05 03:00–03:30 UTC (30m)');
  });

  it('of a pass says what was ruled out and at which confidence', () => {
    const e = buildExplanation(passedAllKinds(), {});
    expect(e.headline).toMatch(/^PASS \(score 100, 3 of 3 metrics passed\): http-errors\/error-rate — /);
    expect(e.headline).toContain('an increase in checkout error rate above 1.04× is ruled out at 99% confidence');
    expect(e.headline).toContain('0.48% on the canary vs 0.50% on the baseline');
  });

  it('of every passed metric says what it ruled out, in that metric’s own terms', () => {
    const e = buildExplanation(passedAllKinds(), {});
    const byId = Object.fromEntries(e.metrics.map((m) => [m.id, m.summary]));
    expect(byId['http-latency/latency']).toContain('p99 latency 380 ms on the canary vs 370 ms on the baseline');
    expect(byId['http-latency/latency']).toContain('an increase in requests slower than 500 ms above 1.08× is ruled out at 99.7% confidence');
    expect(byId['slo/availability-burn']).toContain('canary error-budget burn 0.19×');
    expect(byId['slo/availability-burn']).toContain('a burn above 0.80× is ruled out at 98.3% confidence');
  });

  it('of an inconclusive analysis says how many events were missing on each side', () => {
    const e = buildExplanation(inconclusiveMissing(), {});
    expect(e.headline).toMatch(/^INCONCLUSIVE: http-errors\/error-rate — too few events: /);
    expect(e.headline).toContain('needs 37 more canary events and 12 more baseline events (minimum 100)');
    expect(e.headline).toContain('10 of 30 measurements returned no data');
    expect(e.metrics[0]!.missing).toBe('needs 37 more canary events and 12 more baseline events (minimum 100)');
  });

  it('of an analysis that could not measure names the error and how often it happened', () => {
    const e = buildExplanation(measurementErrors(), {});
    expect(e.headline).toContain('cannot measure: 5 of 8 measurements failed, the last 5 in a row');
    expect(e.headline).toContain('5 × METRICS_UNAVAILABLE: Prometheus answered 503 (service unavailable)');
  });

  it('of an aborted analysis says who aborted it, why, and where the metric stood', () => {
    const e = buildExplanation(aborted(), {});
    expect(e.headline).toMatch(/^INCONCLUSIVE: aborted by argo-rollouts at 2024-03-05 03:09 UTC: rollout aborted by a user; /);
    expect(e.headline).toContain('http-errors/error-rate — aborted before a decision; so far checkout error rate 0.60% on the canary');
    expect(e.abort).toEqual({ at: '2024-03-05T03:09:00.000Z', by: 'argo-rollouts', reason: 'rollout aborted by a user' });
  });

  it('of a running analysis leads with the metric closest to deciding and says the range so far', () => {
    const e = buildExplanation(running(), {});
    expect(e.decidingMetric).toBeNull();
    expect(e.headlineMetric).toBe('http-errors/error-rate');
    expect(e.headline).toMatch(/^RUNNING \(2 of 2 metrics still measuring\): http-errors\/error-rate — /);
    expect(e.headline).toContain('evidence 3.2 < 1/α = 40');
    expect(e.headline).toContain('measured so far 2024-03-05 03:00–03:07 UTC (7m)');
  });

  it('of a marginal score explains the score band before the failed metric', () => {
    const e = buildExplanation(marginal(), {});
    expect(e.headline).toMatch(/^INCONCLUSIVE \(score 80\): score 80 is marginal \(at least 75, below 95\): http-latency\/latency failed — /);
    expect(e.headline).toContain('failed: share slower than 0.5s: canary ≤ 1.2× baseline');
    expect(e.headline).toContain('evidence 5,000 ≥ 1/α = 180');
  });

  it('of a threshold metric repeats the judge’s measurement counts and condition', () => {
    const e = buildExplanation(thresholdFail(), {});
    expect(e.headline).toContain('legacy/success-rate — 4 successful, 1 failed, 0 inconclusive measurements; last value 0.93');
    expect(e.headline).toContain('success when result >= 0.95');
  });

  it('of an analysis with nothing measured yet says so instead of printing an empty range', () => {
    const a = { ...running(), lastTickEnd: running().startedAt, measurements: [] };
    const e = buildExplanation(a, {});
    expect(e.headline).toContain('nothing measured yet (started 2024-03-05 03:00 UTC)');
    expect(e.timeRange.durationMs).toBe(0);
  });
});
