import { describe, expect, it } from 'vitest';
import { advance, newAnalysis } from '../../../src/core/analysis/advance.js';
import type { Analysis } from '../../../src/core/analysis/model.js';
import { mulberry32, poisson, binomial } from '../../../src/core/stats/random.js';
import { ratioSpec } from '../../fixtures/specs.js';

/**
 * The whole judge path (advance → ratio judge → rate-ratio mixture), checked every minute the way a
 * live analysis is: under no change the false-fail rate must stay at or below α; a 2× regression must
 * be caught. Traffic: 10 canary and 90 baseline req/s, 0.5% baseline errors, 1-minute ticks.
 */
const MIN = 60_000;
const spec = ratioSpec();

function simulate(seed: number, effect: number, ticks: number, alpha: number): { verdict: Analysis['verdict']; decidedAt: number | null } {
  const random = mulberry32(seed);
  let a = newAnalysis({
    id: `sim-${seed}`,
    request: { templates: ['t'], args: {}, scopes: { canary: {}, baseline: {} }, startTime: 0, intervalMs: MIN, maxDurationMs: ticks * MIN, alpha },
    specs: [spec],
    now: 0,
  });
  for (let i = 0; i < ticks && a.verdict === 'running'; i++) {
    const nB = poisson(random, 10 * 60);
    const nA = poisson(random, 90 * 60);
    const c = { total: nB, bad: binomial(random, nB, 0.005 * effect) };
    const b = { total: nA, bad: binomial(random, nA, 0.005) };
    a = advance(a, (i + 1) * MIN, [{ metric: spec.name, template: spec.template, start: i * MIN, end: (i + 1) * MIN, phase: 'ok', data: { kind: 'ratio', canary: c, baseline: b }, queries: [] }], (i + 1) * MIN);
  }
  return { verdict: a.verdict, decidedAt: a.decidedAt };
}

/** Upper end of a one-sided 99.9% binomial noise band around p for n runs (normal approximation). */
const noiseBound = (p: number, n: number) => p + 3.09 * Math.sqrt((p * (1 - p)) / n) + 1 / n;

describe('judging every interval, simulated', () => {
  it('keeps the false-fail rate under no change at or below α (α = 0.05, 30 looks)', () => {
    const runs = 400;
    let fails = 0;
    for (let s = 1; s <= runs; s++) if (simulate(s, 1, 30, 0.05).verdict === 'fail') fails++;
    const rate = fails / runs;
    console.log(`[simulation] no change, α=0.05, 30 looks: false-fail rate ${rate.toFixed(4)} (${fails}/${runs})`);
    expect(rate).toBeLessThanOrEqual(noiseBound(0.05, runs));
  });

  it('catches a 2× error-rate regression within 15 minutes, and reports the median decision time', () => {
    const runs = 200;
    const times: number[] = [];
    for (let s = 1; s <= runs; s++) {
      const r = simulate(10_000 + s, 2, 15, 0.01);
      if (r.verdict === 'fail' && r.decidedAt !== null) times.push(r.decidedAt / MIN);
    }
    times.sort((x, y) => x - y);
    const power = times.length / runs;
    const median = times[Math.floor(times.length / 2)] ?? Infinity;
    console.log(`[simulation] 2× regression, α=0.01: power within 15 min ${(power * 100).toFixed(1)}%, median decision ${median} min`);
    expect(power).toBeGreaterThan(0.8);
  });
});
