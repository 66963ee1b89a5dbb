import { describe, expect, it } from 'vitest';
import { ArgoMetric, argoJudge, measurementPhase } from '../../bench/detection/judges/argo.js';
import { FlaggerAnalysis, flaggerCheck } from '../../bench/detection/judges/flagger.js';
import { compileCondition } from '../../src/core/judge/condition.js';

describe("Flagger's analysis", () => {
  const cfg = { threshold: 5, minSuccessRatePercent: 99, maxDurationMs: 500 };

  it('fails a check below the success-rate minimum or above the duration maximum; the bounds themselves pass', () => {
    expect(flaggerCheck(cfg, 0.99, 0.5)).toBe(true);
    expect(flaggerCheck(cfg, 0.989, 0.1)).toBe(false);
    expect(flaggerCheck(cfg, 1, 0.501)).toBe(false);
  });

  it('counts no data (NaN: no requests in the interval) as a failed check', () => {
    expect(flaggerCheck(cfg, NaN, 0.1)).toBe(false);
    expect(flaggerCheck(cfg, 1, NaN)).toBe(false);
  });

  it('keeps failed checks cumulative: successes in between do not reset them', () => {
    const a = new FlaggerAnalysis(3, 100);
    const checks = [false, true, true, false, true, false];
    checks.forEach((ok, i) => expect(a.step(i + 1, ok)).toBeNull());
    expect(a.failedChecks).toBe(3);
    // The rollback happens when the next scheduler run starts with failedChecks ≥ threshold.
    expect(a.step(7, true)).toEqual({ outcome: 'rollback', atMinute: 7 });
  });

  it('rolls back after interval × threshold when every check fails, and promotes after the iterations', () => {
    const failing = new FlaggerAnalysis(1, 10);
    expect(failing.step(1, false)).toBeNull();
    expect(failing.step(2, false)).toEqual({ outcome: 'rollback', atMinute: 2 });
    const healthy = new FlaggerAnalysis(5, 3);
    expect(healthy.step(1, true)).toBeNull();
    expect(healthy.step(2, false)).toBeNull(); // a failed check does not advance
    expect(healthy.step(3, true)).toBeNull();
    expect(healthy.step(4, true)).toEqual({ outcome: 'promote', atMinute: 4 });
  });
});

describe("Argo Rollouts' measurements and limits", () => {
  const success = compileCondition('result[0] >= 0.99');
  const failure = compileCondition('result[0] < 0.95');

  it('with only a successCondition, anything not true — NaN included — is Failed', () => {
    expect(measurementPhase(0.995, { success })).toBe('Successful');
    expect(measurementPhase(0.98, { success })).toBe('Failed');
    expect(measurementPhase(NaN, { success })).toBe('Failed');
  });

  it('with both conditions, failure wins and neither true is Inconclusive (NaN too)', () => {
    const both = { success: compileCondition('result[0] >= 0.9'), failure };
    expect(measurementPhase(0.93, both)).toBe('Failed');
    expect(measurementPhase(0.97, { success, failure })).toBe('Inconclusive');
    expect(measurementPhase(NaN, { success, failure })).toBe('Inconclusive');
    expect(measurementPhase(0.5, {})).toBe('Successful');
  });

  it('an empty result is an Error', () => {
    expect(measurementPhase(null, { success })).toBe('Error');
  });

  const metric = (over: object = {}) => new ArgoMetric({ name: 'm', successCondition: 'result[0] >= 0.99', failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4, value: () => 1, ...over });

  it('fails the metric when failed measurements exceed failureLimit, not before', () => {
    const m = metric({ failureLimit: 3 });
    for (let i = 0; i < 3; i++) expect(m.measure(0.5)).toBe('Running');
    expect(m.measure(1)).toBe('Running');
    expect(m.measure(0.5)).toBe('Failed');
    expect(metric().measure(0.5)).toBe('Failed'); // default 0: the first failure
  });

  it('errs after more than consecutiveErrorLimit errors in a row; a good measurement resets the streak', () => {
    const m = metric();
    for (let i = 0; i < 4; i++) expect(m.measure(null)).toBe('Running');
    expect(m.measure(1)).toBe('Running');
    for (let i = 0; i < 4; i++) expect(m.measure(null)).toBe('Running');
    expect(m.measure(null)).toBe('Error');
  });

  it('pauses (inconclusive) on the first inconclusive measurement by default', () => {
    const m = metric({ failureCondition: 'result[0] < 0.95' });
    expect(m.measure(0.97)).toBe('Inconclusive');
  });

  it('rolls back when any metric fails and promotes after count measurements', () => {
    const make = argoJudge([
      { name: 'sr', successCondition: 'result[0] >= 0.99', failureLimit: 1, inconclusiveLimit: 0, consecutiveErrorLimit: 4, value: (v) => v.successRate.canary },
    ]);
    const tick = (index: number, bad: number) => ({
      index,
      endMs: index * 60_000,
      canaryShare: 0.1,
      measurements: [
        { metric: 'e', template: 't', start: 0, end: 1, phase: 'ok' as const, queries: [], data: { kind: 'ratio' as const, canary: { total: 100, bad }, baseline: { total: 900, bad: 0 } } },
        { metric: 'l', template: 't', start: 0, end: 1, phase: 'ok' as const, queries: [], data: { kind: 'histogram' as const, canary: { le: [0.1, Infinity], cumulative: [100, 100] }, baseline: { le: [0.1, Infinity], cumulative: [900, 900] } } },
      ],
    });
    const j = make({ budgetMinutes: 3, historyBefore: () => [] });
    expect(j.observe(tick(1, 5))).toBeNull();
    expect(j.observe(tick(2, 0))).toBeNull();
    expect(j.observe(tick(3, 5))).toEqual({ outcome: 'rollback', atMinute: 3 });
    const ok = make({ budgetMinutes: 2, historyBefore: () => [] });
    expect(ok.observe(tick(1, 0))).toBeNull();
    expect(ok.observe(tick(2, 1))).toEqual({ outcome: 'promote', atMinute: 2 });
  });
});
