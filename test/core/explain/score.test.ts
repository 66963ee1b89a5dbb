import { describe, expect, it } from 'vitest';
import { buildExplanation } from '../../../src/core/explain/explanation.js';
import { failedRatio, inconclusiveMissing, marginal, passedAllKinds, running, thresholdFail } from './fixtures.js';

describe('the score explanation', () => {
  it('says a score of 0 comes from a failed critical metric', () => {
    const s = buildExplanation(failedRatio(), {}).scoring;
    expect(s.score).toBe(0);
    expect(s.summary).toContain('Score 0: the critical metric http-errors/error-rate failed');
  });

  it('shows the weights that passed and failed, and where the score sits against 95 and 75', () => {
    const s = buildExplanation(marginal(), {}).scoring;
    expect(s.summary).toContain('Score 80 = weight 4 passed of 5 decided');
    expect(s.summary).toContain('failed: http-latency/latency (weight 1)');
    expect(s.summary).toContain('Marginal: inconclusive');
    expect(s).toMatchObject({ passScore: 95, marginalScore: 75 });
  });

  it('says a non-critical failure alone scores 0 because nothing passed', () => {
    const s = buildExplanation(thresholdFail(), {}).scoring;
    expect(s.summary).toContain('Score 0 = weight 0 passed of 1 decided (failed: legacy/success-rate (weight 1))');
    expect(s.summary).toContain('Below 75: fail');
  });

  it('says inconclusive metrics are left out of the score rather than counted against the canary', () => {
    const s = buildExplanation(inconclusiveMissing(), {}).scoring;
    expect(s.score).toBeNull();
    expect(s.summary).toContain('no metric passed or failed');
    expect(s.summary).toContain('Left out as inconclusive');
    expect(s.metrics).toEqual([{ id: 'http-errors/error-rate', verdict: 'inconclusive', weight: 1, critical: true, counted: false }]);
  });

  it('has no score while metrics are still measuring, and says how many', () => {
    expect(buildExplanation(running(), {}).scoring.summary).toBe('No score yet: 2 of 2 metrics are still measuring.');
  });

  it('says a full pass reached the pass threshold', () => {
    expect(buildExplanation(passedAllKinds(), {}).scoring.summary).toContain('At least 95: pass.');
  });
});
