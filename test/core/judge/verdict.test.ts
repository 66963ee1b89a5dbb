import { describe, expect, it } from 'vitest';
import type { MetricResult, Verdict } from '../../../src/core/analysis/model.js';
import { combineVerdict } from '../../../src/core/judge/verdict.js';

const metric = (name: string, verdict: Verdict, opts: Partial<MetricResult> = {}): MetricResult => ({
  template: 't',
  name,
  kind: 'ratio',
  verdict,
  critical: false,
  weight: 1,
  evidence: { measurements: { ok: 1, nodata: 0, error: 0, consecutiveErrors: 0 } },
  reason: '',
  decidedAt: verdict === 'running' ? null : 1000,
  ...opts,
});

describe('combining metric verdicts', () => {
  it('fails at once when a critical metric fails, with score 0, even while others run', () => {
    const v = combineVerdict([metric('errors', 'fail', { critical: true, decidedAt: 5 }), metric('latency', 'running')]);
    expect(v).toMatchObject({ verdict: 'fail', score: 0, decidedAt: 5, deciding: 't/errors' });
  });

  it('keeps running while a metric is undecided and the outcome is still open', () => {
    expect(combineVerdict([metric('a', 'pass'), metric('b', 'running')]).verdict).toBe('running');
  });

  it('passes when every metric passed', () => {
    expect(combineVerdict([metric('a', 'pass', { decidedAt: 3 }), metric('b', 'pass', { decidedAt: 7 })])).toMatchObject({ verdict: 'pass', score: 100, decidedAt: 7 });
  });

  it('never passes with an inconclusive metric, and leaves it out of the score', () => {
    const v = combineVerdict([metric('a', 'pass'), metric('b', 'inconclusive')]);
    expect(v.verdict).toBe('inconclusive');
    expect(v.score).toBe(100);
    expect(v.deciding).toBe('t/b');
  });

  it('is inconclusive with no score when no metric could be decided', () => {
    expect(combineVerdict([metric('a', 'inconclusive'), metric('b', 'inconclusive')])).toMatchObject({ verdict: 'inconclusive', score: null });
  });

  it('weights the score and fails below the marginal score', () => {
    const v = combineVerdict([metric('a', 'pass', { weight: 1 }), metric('b', 'fail', { weight: 3 })]);
    expect(v).toMatchObject({ verdict: 'fail', score: 25 });
  });

  it('is inconclusive (marginal) between the marginal and pass scores', () => {
    const ms = [...Array.from({ length: 9 }, (_, i) => metric(`p${i}`, 'pass')), metric('f', 'fail')];
    expect(combineVerdict(ms)).toMatchObject({ verdict: 'inconclusive', score: 90 });
  });

  it('fails early when even passing every running metric could not reach the marginal score', () => {
    const v = combineVerdict([metric('a', 'fail', { weight: 3, decidedAt: 4 }), metric('b', 'running')]);
    expect(v).toMatchObject({ verdict: 'fail', decidedAt: 4 });
  });
});
