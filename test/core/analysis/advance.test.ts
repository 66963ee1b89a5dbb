import { describe, expect, it } from 'vitest';
import { abortAnalysis, advance, newAnalysis } from '../../../src/core/analysis/advance.js';
import type { AnalysisRequest, MetricSpec } from '../../../src/core/analysis/model.js';
import { dueTickEnds, lastTickEnd } from '../../../src/core/analysis/schedule.js';
import { burnSpec, failed, noData, ratioMeasurement, ratioSpec } from '../../fixtures/specs.js';

const MIN = 60_000;
const request = (over: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
  templates: ['http-success-rate'],
  args: {},
  scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
  startTime: 0,
  intervalMs: MIN,
  maxDurationMs: 10 * MIN,
  alpha: 0.01,
  ...over,
});

function start(specs: MetricSpec[], over: Partial<AnalysisRequest> = {}) {
  return newAnalysis({ id: 'a1', request: request(over), specs, now: 0 });
}

describe('advancing an analysis tick by tick', () => {
  it('starts running with every metric waiting', () => {
    const a = start([ratioSpec()]);
    expect(a.verdict).toBe('running');
    expect(a.mode).toBe('live');
    expect(a.metrics[0]!.reason).toMatch(/waiting/);
  });

  it('is retrospective when the whole range is in the past', () => {
    const a = newAnalysis({ id: 'a', request: request({ endTime: 5 * MIN }), specs: [ratioSpec()], now: 10 * MIN });
    expect(a.mode).toBe('retrospective');
  });

  it('fails at the tick where the critical metric crossed its threshold and stamps decidedAt', () => {
    const spec = ratioSpec();
    let a = start([spec]);
    for (let i = 0; i < 10 && a.verdict === 'running'; i++) {
      a = advance(a, (i + 1) * MIN, [ratioMeasurement(spec, i, { total: 600, bad: 12 }, { total: 5400, bad: 27 })], (i + 1) * MIN);
    }
    expect(a.verdict).toBe('fail');
    expect(a.score).toBe(0);
    expect(a.decidedAt).toBe(a.lastTickEnd);
    expect(a.decidedAt!).toBeLessThan(10 * MIN);
    expect(a.metrics[0]!.decidedAt).toBe(a.decidedAt);
  });

  it('keeps a settled metric settled even if later data would pull its evidence back down', () => {
    const spec = ratioSpec({ critical: false });
    const other = burnSpec();
    let a = start([spec, other]);
    for (let i = 0; i < 2; i++) a = advance(a, (i + 1) * MIN, [ratioMeasurement(spec, i, { total: 600, bad: 30 }, { total: 5400, bad: 27 }), noData(other, i)], (i + 1) * MIN);
    expect(a.metrics[0]!.verdict).toBe('fail');
    const failedAt = a.metrics[0]!.decidedAt;
    for (let i = 2; i < 6; i++) a = advance(a, (i + 1) * MIN, [ratioMeasurement(spec, i, { total: 60000, bad: 10 }, { total: 540000, bad: 2700 }), noData(other, i)], (i + 1) * MIN);
    expect(a.metrics[0]!.verdict).toBe('fail');
    expect(a.metrics[0]!.decidedAt).toBe(failedAt);
  });

  it('settles every metric on the last tick: no data there is inconclusive, never a pass', () => {
    const spec = ratioSpec();
    let a = start([spec], { maxDurationMs: 3 * MIN });
    for (let i = 0; i < 3; i++) a = advance(a, (i + 1) * MIN, [noData(spec, i)], (i + 1) * MIN);
    expect(a.verdict).toBe('inconclusive');
    expect(a.score).toBeNull();
    expect(a.decidedAt).toBe(3 * MIN);
  });

  it('records Prometheus errors as measurements and turns the metric inconclusive past the limit', () => {
    const spec = ratioSpec();
    let a = start([spec]);
    for (let i = 0; i < 5; i++) a = advance(a, (i + 1) * MIN, [failed(spec, i)], (i + 1) * MIN);
    expect(a.verdict).toBe('inconclusive');
    expect(a.measurements).toHaveLength(5);
    expect(a.metrics[0]!.evidence.measurements.consecutiveErrors).toBe(5);
  });

  it('does not change a decided analysis', () => {
    const spec = ratioSpec();
    let a = start([spec], { maxDurationMs: MIN });
    a = advance(a, MIN, [noData(spec, 0)], MIN);
    expect(advance(a, 2 * MIN, [noData(spec, 1)], 2 * MIN)).toBe(a);
  });

  it('aborts to inconclusive, recording who and why, and never to a pass', () => {
    const a = abortAnalysis(start([ratioSpec()]), 'release cancelled', 5, 'alice');
    expect(a.verdict).toBe('inconclusive');
    expect(a.abort).toEqual({ at: 5, reason: 'release cancelled', by: 'alice' });
    expect(a.metrics[0]!.reason).toMatch(/aborted/);
  });
});

describe('the tick plan', () => {
  it('ends at the last whole interval within maxDuration and endTime', () => {
    expect(lastTickEnd(request({ maxDurationMs: 10 * MIN + 30_000 }))).toBe(10 * MIN);
    expect(lastTickEnd(request({ endTime: 4.5 * MIN }))).toBe(4 * MIN);
  });

  it('lists the due ticks oldest first so a restarted service catches up', () => {
    const a = { lastTickEnd: 2 * MIN, request: request() };
    expect(dueTickEnds(a, 5 * MIN + 1)).toEqual([3 * MIN, 4 * MIN, 5 * MIN]);
    expect(dueTickEnds(a, 5 * MIN + 1, 10_000)).toEqual([3 * MIN, 4 * MIN]);
    expect(dueTickEnds({ lastTickEnd: 10 * MIN, request: request() }, 60 * MIN)).toEqual([]);
  });
});
