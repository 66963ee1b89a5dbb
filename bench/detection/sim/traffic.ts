/**
 * The traffic simulator: one seeded rollout, interval by interval, as the exact `Measurement`
 * objects the production judge consumes (a `ratio` measurement of 5xx counts and a `histogram`
 * measurement of request-duration buckets per arm), plus the ground truth the oracle may use.
 */
import type { Measurement, MetricSpec } from '../../../src/core/analysis/model.js';
import type { Buckets, Counts } from '../../../src/core/analysis/model.js';
import { binomial, mulberry32, poisson } from '../../../src/core/stats/random.js';
import { canaryShare, INTERVAL_MS, type Scenario } from '../scenario.js';
import { drawErrors } from './errors.js';
import { bucketProbabilities, latencyPair, sampleBuckets } from './latency.js';

export interface Tick {
  /** 1-based; the tick ends at `index` minutes. */
  index: number;
  endMs: number;
  /** The configured canary weight during the interval (what θ0 is on average). */
  canaryShare: number;
  /** [ratio measurement, histogram measurement], named after the specs. */
  measurements: Measurement[];
}

/** The metric names the measurements carry: those of the rendered specs. */
export interface MetricNames {
  ratio: Pick<MetricSpec, 'name' | 'template'>;
  histogram: Pick<MetricSpec, 'name' | 'template'>;
}

/** A distinct, reproducible seed per (scenario, run). */
export function runSeed(scenarioId: string, run: number): number {
  let h = 2166136261;
  for (const ch of `${scenarioId}#${run}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** The first `ticks` intervals of one rollout. Same (scenario, seed) → the same ticks, always. */
export function simulateRollout(s: Scenario, seed: number, ticks: number, names: MetricNames): Tick[] {
  const out: Tick[] = [];
  for (const tick of rolloutTicks(s, seed, names)) {
    if (tick.index > ticks) break;
    out.push(tick);
  }
  return out;
}

/** One rollout's intervals, without end: the caller stops when its judges are done. */
export function* rolloutTicks(s: Scenario, seed: number, names: MetricNames): Generator<Tick> {
  const random = mulberry32(seed);
  const phase = random() * (s.load?.periodMinutes ?? 1);
  const lat = latencyPair(s.latency, s.latencyTailIncrease);
  const probsA = bucketProbabilities(lat.baseline);
  const probsB = bucketProbabilities(lat.canary);
  for (let i = 0; ; i++) {
    const load = s.load ? 1 + s.load.amplitude * Math.sin((2 * Math.PI * (i + 0.5 + phase)) / s.load.periodMinutes) : 1;
    const share = canaryShare(s, i);
    const perInterval = s.totalRps * 60 * load;
    const nB = poisson(random, perInterval * share);
    const nA = poisson(random, perInterval * (1 - share));
    const p = Math.min(0.5, s.baselineErrorRate * (s.load ? load ** s.load.errorElasticity : 1));
    const bad = drawErrors(random, nA, nB, p, s.errorEffect, s.overdispersion);
    const hA = sampleBuckets(random, nA, probsA);
    const hB = sampleBuckets(random, nB, probsB);
    const seen = s.extrapolation ? extrapolate(random, s.extrapolation) : null;
    const counts = (total: number, badCount: number): Counts => (seen ? seen.counts(total, badCount) : { total, bad: badCount });
    const buckets = (b: Buckets): Buckets => (seen ? seen.buckets(b) : b);
    const start = i * INTERVAL_MS;
    const end = start + INTERVAL_MS;
    const base = { start, end, phase: 'ok' as const, queries: [] };
    yield {
      index: i + 1,
      endMs: end,
      canaryShare: share,
      measurements: [
        { ...base, metric: names.ratio.name, template: names.ratio.template, data: { kind: 'ratio', canary: counts(nB, bad.canary), baseline: counts(nA, bad.baseline) } },
        { ...base, metric: names.histogram.name, template: names.histogram.template, data: { kind: 'histogram', canary: buckets(hB), baseline: buckets(hA) } },
      ],
    };
  }
}

/**
 * What `increase()` reports when its window holds fewer scrapes than it spans: the requests that fell
 * in the sampled part of the minute (each with probability 1/factor), scaled back up by factor.
 * Errors and successes, and each latency bucket, are thinned apart, so shares stay consistent.
 */
function extrapolate(random: () => number, factor: number) {
  const keep = 1 / factor;
  return {
    counts(total: number, bad: number): Counts {
      const seenBad = binomial(random, bad, keep);
      const seenOk = binomial(random, total - bad, keep);
      return { total: factor * (seenBad + seenOk), bad: factor * seenBad };
    },
    buckets(b: Buckets): Buckets {
      let below = 0;
      let acc = 0;
      const cumulative = b.cumulative.map((c) => {
        acc += binomial(random, c - below, keep);
        below = c;
        return factor * acc;
      });
      return { le: [...b.le], cumulative };
    },
  };
}
