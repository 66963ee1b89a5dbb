import { describe, expect, it } from 'vitest';
import { judgeBurnRate } from '../../../src/core/judge/burn-rate-judge.js';
import { judgeHistogram } from '../../../src/core/judge/histogram-judge.js';
import type { JudgeContext } from '../../../src/core/judge/judgement.js';
import { judgeRatio } from '../../../src/core/judge/ratio-judge.js';
import { judgeThreshold } from '../../../src/core/judge/threshold-judge.js';
import {
  buckets,
  burnMeasurement,
  burnSpec,
  failed,
  histogramMeasurement,
  histogramSpec,
  noData,
  ratioMeasurement,
  ratioSpec,
  thresholdMeasurement,
  thresholdSpec,
} from '../../fixtures/specs.js';

const running: JudgeContext = { alpha: 0.01, final: false, consecutiveErrorLimit: 4 };
const final: JudgeContext = { ...running, final: true };

describe('ratio judge', () => {
  const spec = ratioSpec();
  const steady = (n: number, canaryBad: number, baselineBad: number) =>
    Array.from({ length: n }, (_, i) => ratioMeasurement(spec, i, { total: 600, bad: canaryBad }, { total: 5400, bad: baselineBad }));

  it('never passes without measurements: inconclusive at the end, naming what is missing', () => {
    const j = judgeRatio(spec, [], final);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/100 more canary events/);
    expect(j.evidence.missing).toEqual({ canaryEvents: 100, baselineEvents: 100 });
  });

  it('treats no data and NaN readings as nothing, never as a pass', () => {
    const ms = Array.from({ length: 10 }, (_, i) => noData(spec, i));
    expect(judgeRatio(spec, ms, running).verdict).toBe('running');
    expect(judgeRatio(spec, ms, final).verdict).toBe('inconclusive');
  });

  it('stops as inconclusive after more consecutive errors than the limit, like Argo', () => {
    const ms = Array.from({ length: 5 }, (_, i) => failed(spec, i));
    const j = judgeRatio(spec, ms, running);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/5 consecutive measurements failed/);
    expect(judgeRatio(spec, ms.slice(0, 4), running).verdict).toBe('running');
  });

  it('stops at once when Prometheus rejects the query (a template error)', () => {
    const j = judgeRatio(spec, [failed(spec, 0, false)], running);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/rejected by Prometheus/);
  });

  it('fails a canary with three times the baseline error rate, with evidence above its threshold', () => {
    const j = judgeRatio(spec, steady(10, 9, 27), running);
    expect(j.verdict).toBe('fail');
    expect(j.evidence.logEValue!).toBeGreaterThanOrEqual(j.evidence.logThreshold!);
    expect(j.evidence.interval!.lower).toBeGreaterThan(1);
    expect(j.evidence.estimates!.ratio).toBeCloseTo(3, 5);
  });

  it('passes a healthy canary early once an increase above passBelow is ruled out', () => {
    const j = judgeRatio(spec, steady(30, 3, 27), running);
    expect(j.verdict).toBe('pass');
    expect(j.evidence.interval!.upper).toBeLessThan(1.5);
    expect(j.reason).toMatch(/ruled out/);
  });

  it('keeps running while a healthy canary has too little evidence to rule out an increase', () => {
    expect(judgeRatio(spec, steady(2, 3, 27), running).verdict).toBe('running');
  });

  it('passes at the end a canary with enough traffic and no errors in either arm', () => {
    const j = judgeRatio(spec, steady(5, 0, 0), final);
    expect(j.verdict).toBe('pass');
  });

  it('tolerates the configured relative increase', () => {
    const tolerant = ratioSpec({ tolerance: 2 });
    const ms = Array.from({ length: 10 }, (_, i) => ratioMeasurement(tolerant, i, { total: 600, bad: 4.5 }, { total: 5400, bad: 27 }));
    expect(judgeRatio(tolerant, ms, running).verdict).not.toBe('fail');
  });

  it('for a direction of decrease, fails a canary whose good share drops', () => {
    const hits = ratioSpec({ direction: 'decrease', name: 'cache-hits' });
    const ms = Array.from({ length: 10 }, (_, i) => ratioMeasurement(hits, i, { total: 600, bad: 450 }, { total: 5400, bad: 5130 }));
    expect(judgeRatio(hits, ms, running).verdict).toBe('fail');
  });

  it('with no planned looks, fails at the end by the exact look a regression the mixture has not proven yet — never before the end', () => {
    // ≈ 1.5× over 15 intervals (4 and 5 canary errors in turn): the mixture (20% of α) is short of its
    // threshold, the exact look at the end (80%) is not. Under the null the canary's count is Bin(472, 0.1):
    // P(X ≥ 67) = 0.0023507455048413567 (scipy binom.sf(66, 472, 0.1)).
    const ms = Array.from({ length: 15 }, (_, i) => ratioMeasurement(spec, i, { total: 600, bad: i % 2 ? 5 : 4 }, { total: 5400, bad: 27 }));
    expect(judgeRatio(spec, ms, running).verdict).toBe('running');
    const j = judgeRatio(spec, ms, final);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/at the final look, 67\.0 canary bad events where 47\.2 were expected at 1\.00× — p = 0\.0024 ≤ 0\.0080/);
    const look = j.evidence.tests!.find((t) => t.name.startsWith('exact looks'))!;
    expect(look).toMatchObject({ fired: true, alpha: 0.008 });
    expect(look.pValue).toBeCloseTo(0.0023507455048413567, 12);
    expect(j.evidence.tests![0]!.fired).toBe(false);
  });

  it('divides the evidence by the dispersion of a bursty history before the analysis', () => {
    const ms = steady(6, 9, 27);
    const calm = Array.from({ length: 60 }, () => ({ total: 6000, bad: 30 }));
    const bursty = Array.from({ length: 60 }, (_, i) => ({ total: 6000, bad: i % 6 === 0 ? 150 : 6 }));
    const plain = judgeRatio(spec, ms, running);
    const withCalm = judgeRatio(spec, ms, { ...running, history: calm });
    const withBursts = judgeRatio(spec, ms, { ...running, history: bursty });
    expect(plain.evidence.estimates!.dispersion).toBe(1);
    expect(withCalm.evidence.estimates!.dispersion).toBe(1);
    expect(withBursts.evidence.estimates!.dispersion).toBeGreaterThan(10);
    expect(withBursts.evidence.logEValue!).toBeLessThan(plain.evidence.logEValue! / 5);
  });

  it('fails on the absolute bound when both arms are equally bad', () => {
    const bounded = ratioSpec({ maxRate: 0.01 });
    const ms = Array.from({ length: 10 }, (_, i) => ratioMeasurement(bounded, i, { total: 600, bad: 30 }, { total: 5400, bad: 270 }));
    const j = judgeRatio(bounded, ms, running);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/exceeds the bound 1\.00%/);
  });
});

describe('histogram judge', () => {
  const spec = histogramSpec();
  const same = buckets(1000, [0.5, 0.3, 0.15, 0.04, 0.01]);
  const slower = buckets(1000, [0.3, 0.3, 0.2, 0.15, 0.05]);

  it('fails when the canary has more requests above the latency bound', () => {
    const ms = Array.from({ length: 10 }, (_, i) => histogramMeasurement(spec, i, slower, buckets(9000, [0.5, 0.3, 0.15, 0.04, 0.01])));
    const j = judgeHistogram(spec, ms, running);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/slower than 0.5s/);
  });

  it('passes an unchanged distribution and reports quantiles as histogram_quantile would', () => {
    const ms = Array.from({ length: 20 }, (_, i) => histogramMeasurement(spec, i, same, buckets(9000, [0.5, 0.3, 0.15, 0.04, 0.01])));
    const j = judgeHistogram(spec, ms, final);
    expect(j.verdict).toBe('pass');
    // p50 falls at the top of the first bucket (0.5 of requests below 0.1 s).
    expect(j.evidence.estimates!.p50Canary).toBeCloseTo(0.1, 6);
  });

  it('fails a canary whose p99 exceeds an absolute quantile bound', () => {
    const q = histogramSpec({ bounds: [], quantileBounds: [{ quantile: 0.99, maxSeconds: 0.5 }] });
    const ms = Array.from({ length: 10 }, (_, i) => histogramMeasurement(q, i, slower, slower));
    expect(judgeHistogram(q, ms, running).verdict).toBe('fail');
  });

  it('is inconclusive without observations', () => {
    expect(judgeHistogram(spec, [noData(spec, 0)], final).verdict).toBe('inconclusive');
  });
  it('with no planned looks, fails at the end by the exact look a tail the mixture has not proven yet', () => {
    const tailOnly = histogramSpec({ distributionTest: false });
    // 7% slower than 0.5 s on the canary vs 5% on the baseline, 100 vs 9,000 requests a minute, 15 minutes.
    const ms = Array.from({ length: 15 }, (_, i) => histogramMeasurement(tailOnly, i, buckets(100, [0.5, 0.3, 0.13, 0.06, 0.01]), buckets(9000, [0.5, 0.3, 0.15, 0.04, 0.01])));
    expect(judgeHistogram(tailOnly, ms, running).verdict).toBe('running');
    const j = judgeHistogram(tailOnly, ms, final);
    expect(j.verdict).toBe('fail');
    expect(j.reason).toMatch(/^exact looks: share slower than 0\.5s: canary ≤ 1× baseline \(α spent over the planned looks\) is violated \(the final look: 105 canary slow requests, 75\.3 expected; p = 6\.6e-4 ≤ 0\.0080\)$/);
  });
});

describe('burn-rate judge', () => {
  const spec = burnSpec();

  it('fails a canary burning the budget ten times too fast', () => {
    const ms = Array.from({ length: 10 }, (_, i) => burnMeasurement(spec, i, { total: 600, bad: 6 }));
    const j = judgeBurnRate(spec, ms, running);
    expect(j.verdict).toBe('fail');
    expect(j.evidence.estimates!.burnRate).toBeCloseTo(10, 6);
  });

  it('passes once a burn above the limit is ruled out', () => {
    const ms = Array.from({ length: 30 }, (_, i) => burnMeasurement(spec, i, { total: 6000, bad: 0 }));
    const j = judgeBurnRate(spec, ms, running);
    expect(j.verdict).toBe('pass');
    expect(j.reason).toMatch(/ruled out/);
  });
});

describe('threshold judge (Argo semantics)', () => {
  const spec = thresholdSpec();

  it('fails once failed measurements exceed failureLimit', () => {
    expect(judgeThreshold(spec, [thresholdMeasurement(spec, 0, [1.2])], running).verdict).toBe('fail');
    const lenient = thresholdSpec({ failureLimit: 1 });
    expect(judgeThreshold(lenient, [thresholdMeasurement(lenient, 0, [1.2])], running).verdict).toBe('running');
  });

  it('is inconclusive when neither condition holds with both set', () => {
    expect(judgeThreshold(spec, [thresholdMeasurement(spec, 0, [0.7])], running).verdict).toBe('inconclusive');
  });

  it('passes at the end with successful measurements only', () => {
    const ms = [0, 1, 2].map((i) => thresholdMeasurement(spec, i, [0.1]));
    expect(judgeThreshold(spec, ms, running).verdict).toBe('running');
    expect(judgeThreshold(spec, ms, final).verdict).toBe('pass');
  });

  it('does not count empty or NaN readings as failures', () => {
    expect(judgeThreshold(spec, [noData(spec, 0), noData(spec, 1)], final).verdict).toBe('inconclusive');
  });
});

describe('evidence from a single interval', () => {
  it('is never a pass: a canary failing in the last interval only ends inconclusive', () => {
    const spec = ratioSpec();
    const ms = [
      ...Array.from({ length: 29 }, (_, i) => ratioMeasurement(spec, i, { total: 600, bad: 0 }, { total: 5400, bad: 0 })),
      ratioMeasurement(spec, 29, { total: 600, bad: 600 }, { total: 5400, bad: 0 }),
    ];
    const j = judgeRatio(spec, ms, final);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/single interval/);
  });

  it('fails once a second interval confirms it', () => {
    const spec = ratioSpec();
    const ms = [0, 1].map((i) => ratioMeasurement(spec, i, { total: 600, bad: 600 }, { total: 5400, bad: 5 }));
    expect(judgeRatio(spec, ms.slice(0, 1), running).verdict).toBe('running');
    expect(judgeRatio(spec, ms, running).verdict).toBe('fail');
  });

  describe('once a history of at least 30 intervals has measured the dispersion', () => {
    const spec = ratioSpec();
    // 10% of the traffic at 3× the baseline's 0.5%: evidence far past the threshold in one minute.
    const first = [ratioMeasurement(spec, 0, { total: 600, bad: 9 * 3 }, { total: 5400, bad: 27 })];
    const calm = (length: number) => Array.from({ length }, (_, i) => ({ total: 6000, bad: 27 + (i % 7) }));

    it('fails a clear regression in its first interval', () => {
      expect(judgeRatio(spec, first, running).verdict).toBe('running');
      const j = judgeRatio(spec, first, { ...running, history: calm(180) });
      expect(j.verdict).toBe('fail');
      expect(j.evidence.estimates!.dispersion).toBeLessThan(1.3);
    });

    it('but not with a shorter history, which cannot be used as measured', () => {
      const j = judgeRatio(spec, first, { ...running, history: calm(29) });
      expect(j.verdict).toBe('running');
      expect(j.reason).toMatch(/single interval/);
    });

    it('and a bursty history tempers that interval like any other: the same counts are not enough', () => {
      const bursty = Array.from({ length: 180 }, (_, i) => ({ total: 6000, bad: i % 6 === 0 ? 150 : 6 }));
      const j = judgeRatio(spec, first, { ...running, history: bursty });
      expect(j.evidence.estimates!.dispersion).toBeGreaterThan(10);
      expect(j.verdict).toBe('running');
      expect(j.reason).not.toMatch(/single interval/);
    });
  });

  it('holds back a burn seen in one interval, and never passes it', () => {
    const spec = burnSpec();
    const j = judgeBurnRate(spec, [burnMeasurement(spec, 0, { total: 1000, bad: 1000 })], final);
    expect(j.verdict).toBe('inconclusive');
  });
});

describe('ratio judge with the history before the analysis', () => {
  const spec = ratioSpec();
  const regression = Array.from({ length: 15 }, (_, i) => ratioMeasurement(spec, i, { total: 600, bad: 6 }, { total: 5400, bad: 27 }));
  const calm = Array.from({ length: 60 }, (_, i) => ({ total: 6000, bad: 27 + (i % 7) }));

  it('one incident minute in that history does not blind the analysis: a clear 2× regression still fails', () => {
    const incident = calm.map((c, i) => (i === 40 ? { total: 6000, bad: 1800 } : c));
    const j = judgeRatio(spec, regression, { ...final, history: incident });
    expect(j.verdict).toBe('fail');
    expect(j.evidence.estimates!.dispersion).toBeLessThan(1.5);
  });

  it('a service whose errors are too bursty to judge ends inconclusive, never pass', () => {
    const bursts = Array.from({ length: 60 }, (_, i) => ({ total: 6000, bad: i % 3 === 0 ? 3000 : 3 }));
    const healthy = Array.from({ length: 15 }, (_, i) => ratioMeasurement(spec, i, { total: 600, bad: 3 }, { total: 5400, bad: 27 }));
    const j = judgeRatio(spec, healthy, { ...final, history: bursts });
    expect(j.evidence.estimates!.dispersion).toBe(50);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/too bursty to judge/);
  });
});
