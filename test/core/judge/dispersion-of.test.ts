import { describe, expect, it } from 'vitest';
import { compareRates, dispersionOf, spendingFor } from '../../../src/core/judge/rate-comparison.js';
import { SPENDING } from '../../../src/core/stats/rate-ratio-looks.js';
import { splitDispersion, temporalDispersion } from '../../../src/core/stats/dispersion.js';
import type { IntervalCounts } from '../../../src/core/stats/interval-counts.js';

/** 10% of 6,000 requests a minute on the canary, 0.5% errors; `bursts` adds bad events to the canary at those minutes. */
function minutes(count: number, bursts: Record<number, number> = {}): IntervalCounts[] {
  return Array.from({ length: count }, (_, i) => ({ nA: 5400, xA: 27 + ((i * 7) % 5) - 2, nB: 600, xB: 3 + ((i * 3) % 3) - 1 + (bursts[i] ?? 0) }));
}
const calmHistory = Array.from({ length: 180 }, (_, i) => ({ n: 6000, x: 30 + ((i * 7) % 7) - 3 }));

describe('the dispersion the rate test tempers by', () => {
  it('keeps the discount of a burst seen earlier in the analysis, though later calm intervals thin it out', () => {
    const ivs = minutes(15, { 1: 40 });
    const early = splitDispersion(ivs.slice(0, 3));
    const late = splitDispersion(ivs);
    expect(early.pValue).toBeLessThan(0.001);
    expect(late.phi).toBeLessThan(early.phi);
    expect(dispersionOf(ivs, calmHistory)).toBeGreaterThanOrEqual(early.phi);
    expect(dispersionOf(ivs, calmHistory)).toBeGreaterThan(1.5 * late.phi);
  });

  it('does not keep a swing that was only mildly surprising (a 1% gate fires somewhere in one healthy analysis in ten)', () => {
    // Ten extra canary errors in minute 2: the split's p-value over the first minutes is 0.5%,
    // beyond the 1% gate but not the 0.1% one that sticks, and over all 15 minutes it is 3.6%.
    const ivs = minutes(15, { 1: 10 });
    const prefixes = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((k) => splitDispersion(ivs.slice(0, k)).pValue);
    expect(Math.min(...prefixes)).toBeGreaterThan(0.001);
    expect(Math.min(...prefixes)).toBeLessThan(0.01);
    expect(splitDispersion(ivs).pValue).toBeGreaterThan(0.01);
    expect(dispersionOf(ivs, calmHistory)).toBe(1);
  });

  it('with a precise history ignores the baseline\'s own swings during the analysis, which the split still shows if they matter', () => {
    // The baseline's errors alternate 5 and 50 a minute, in step with the canary's share of them.
    const swinging: IntervalCounts[] = Array.from({ length: 12 }, (_, i) => ({ nA: 5400, xA: i % 2 ? 50 : 5, nB: 600, xB: i % 2 ? 6 : 1 }));
    expect(temporalDispersion(swinging.map((iv) => ({ n: iv.nA, x: iv.xA }))).pValue).toBeLessThan(0.001);
    expect(splitDispersion(swinging).pValue).toBeGreaterThan(0.01);
    expect(dispersionOf(swinging, calmHistory)).toBeLessThan(1.5);
    expect(dispersionOf(swinging, [])).toBeGreaterThan(5);
  });
});

describe('the exact looks\' spending for an analysis with this history', () => {
  it('gives the first look its allowance only after a precise history without bursts', () => {
    expect(spendingFor(calmHistory)).toEqual(SPENDING);
    expect(SPENDING.firstLook).toBeGreaterThan(0);
    // Thirty intervals make a history precise; twenty do not, however calm.
    expect(spendingFor(calmHistory.slice(0, 20))).toEqual({ ...SPENDING, firstLook: 0 });
    expect(spendingFor([])).toEqual({ ...SPENDING, firstLook: 0 });
  });

  it('withholds it where the history\'s bad events come in bursts, which one interval cannot tell from a regression', () => {
    // A bad pod: a burst of 20–60 bad events every ten minutes or so, on top of the calm rate.
    const bursty = calmHistory.map((c, i) => (i % 10 === 3 ? { ...c, x: c.x + 20 + ((i * 13) % 41) } : c));
    expect(spendingFor(bursty)).toEqual({ ...SPENDING, firstLook: 0 });
  });

  it('lets a severe regression fail at the first look after a calm history, not after a bursty one', () => {
    // Minute 1 of a 4× regression: 12 canary errors where 4 of 40 are expected (p = 3.8e-4, error-spending.test.ts).
    const minute1: IntervalCounts[] = [{ nA: 5400, xA: 28, nB: 600, xB: 12 }];
    const opts = { alpha: 0.0045, tolerance: 1, plannedLooks: 15 };
    const calm = compareRates(minute1, { ...opts, history: calmHistory });
    expect(calm.fired).toBe(true);
    expect(calm.look!.alpha).toBeCloseTo(0.0045 * 0.8 * (0.15 + 0.85 * 15 ** -1.5), 12);
    const bursty = calmHistory.map((c, i) => (i % 10 === 3 ? { ...c, x: c.x + 20 + ((i * 13) % 41) } : c));
    const afterBursts = compareRates(minute1, { ...opts, history: bursty });
    expect(afterBursts.fired).toBe(false);
    expect(afterBursts.look!.alpha).toBeCloseTo(0.0045 * 0.8 * 15 ** -1.5, 12);
  });
});
