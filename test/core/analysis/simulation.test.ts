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

/** Canary share of traffic per tick: fixed at 10 of 100 req/s, or stepping 5 → 10 → 25 → 50% as Flagger does. */
type Split = (tick: number) => number;
const fixedSplit: Split = () => 0.1;
const steppingSplit: Split = (t) => [0.05, 0.1, 0.25, 0.5][Math.min(3, Math.floor(t / 8))]!;

function simulate(seed: number, effect: number, ticks: number, alpha: number, split: Split = fixedSplit): { verdict: Analysis['verdict']; decidedAt: number | null } {
  const random = mulberry32(seed);
  let a = newAnalysis({
    id: `sim-${seed}`,
    request: { templates: ['t'], args: {}, scopes: { canary: {}, baseline: {} }, startTime: 0, intervalMs: MIN, maxDurationMs: ticks * MIN, alpha },
    specs: [spec],
    now: 0,
  });
  for (let i = 0; i < ticks && a.verdict === 'running'; i++) {
    const nB = poisson(random, 100 * 60 * split(i));
    const nA = poisson(random, 100 * 60 * (1 - split(i)));
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

  it('keeps the false-fail rate at or below α = 0.01 over 600 runs, with a fixed and a stepping split', () => {
    for (const [name, split] of [['fixed 10%', fixedSplit], ['stepping 5→50%', steppingSplit]] as const) {
      const runs = 600;
      let fails = 0;
      for (let s = 1; s <= runs; s++) if (simulate(50_000 + s, 1, 30, 0.01, split).verdict === 'fail') fails++;
      console.log(`[simulation] no change, α=0.01, 30 looks, split ${name}: false-fail rate ${(fails / runs).toFixed(4)} (${fails}/${runs})`);
      expect(fails / runs).toBeLessThanOrEqual(noiseBound(0.01, runs));
    }
  }, 120_000);

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
    expect(median).toBeLessThanOrEqual(10);
  });
});
