import type {
  Analysis,
  BurnRateMetricSpec,
  Evidence,
  HistogramMetricSpec,
  Measurement,
  MetricResult,
  MetricSpec,
  RatioMetricSpec,
  ThresholdMetricSpec,
} from '../../../src/core/analysis/model.js';

/** Hand-built analyses, one per situation an explanation must handle. 03:00 UTC, as on-call sees them. */
export const START = Date.UTC(2024, 2, 5, 3, 0, 0);
export const MIN = 60_000;

export const ratioSpec: RatioMetricSpec = {
  name: 'error-rate',
  template: 'http-errors',
  kind: 'ratio',
  weight: 1,
  critical: true,
  minEvents: 100,
  direction: 'increase',
  queries: {
    canary: { bad: 'sum(increase(http_requests_total{service="checkout",track="canary",code=~"5.."}[1m]))', total: 'sum(increase(http_requests_total{service="checkout",track="canary"}[1m]))' },
    baseline: { bad: 'sum(increase(http_requests_total{service="checkout",track="stable",code=~"5.."}[1m]))', total: 'sum(increase(http_requests_total{service="checkout",track="stable"}[1m]))' },
  },
  tolerance: 1.2,
  passBelow: 1.05,
  description: 'checkout error rate',
};

export const histogramSpec: HistogramMetricSpec = {
  name: 'latency',
  template: 'http-latency',
  kind: 'histogram',
  weight: 1,
  critical: false,
  minEvents: 100,
  direction: 'increase',
  queries: {
    canary: { buckets: 'sum by (le) (increase(http_request_duration_seconds_bucket{service="checkout",track="canary"}[1m]))' },
    baseline: { buckets: 'sum by (le) (increase(http_request_duration_seconds_bucket{service="checkout",track="stable"}[1m]))' },
  },
  bounds: [0.5],
  tolerance: 1.2,
  passBelow: 1.1,
  quantileBounds: [{ quantile: 0.99, maxSeconds: 1 }],
  distributionTest: true,
};

export const burnSpec: BurnRateMetricSpec = {
  name: 'availability-burn',
  template: 'slo',
  kind: 'burnRate',
  weight: 1,
  critical: false,
  minEvents: 1000,
  direction: 'increase',
  queries: { canary: { bad: 'sum(increase(http_requests_total{track="canary",code=~"5.."}[1m]))', total: 'sum(increase(http_requests_total{track="canary"}[1m]))' } },
  objective: 0.999,
  maxBurn: 2,
  rows: [{ longWindow: '1h', shortWindow: '5m', burnRate: 14.4, queries: { long: 'slo:error_ratio:rate1h{track="canary"}', short: 'slo:error_ratio:rate5m{track="canary"}' } }],
};

export const thresholdSpec: ThresholdMetricSpec = {
  name: 'success-rate',
  template: 'legacy',
  kind: 'threshold',
  weight: 1,
  critical: false,
  minEvents: 0,
  direction: 'decrease',
  query: 'sum(rate(http_requests_total{code!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
  successCondition: 'result >= 0.95',
  failureLimit: 0,
  inconclusiveLimit: 0,
  unit: 'ratio',
};

const health = (ok: number, nodata = 0, error = 0, consecutiveErrors = 0) => ({ ok, nodata, error, consecutiveErrors });

function result(spec: MetricSpec, verdict: MetricResult['verdict'], evidence: Evidence, reason: string, decidedAt: number | null): MetricResult {
  return { template: spec.template, name: spec.name, kind: spec.kind, verdict, critical: spec.critical, weight: spec.weight, evidence, reason, decidedAt };
}

/** One ok measurement per minute, recording the spec's queries as the collector does. */
function measurements(spec: MetricSpec, ticks: number, phase: Measurement['phase'] = 'ok', queries?: string[]): Measurement[] {
  const q = queries ?? (spec.kind === 'threshold' ? [spec.query] : spec.kind === 'histogram' ? [spec.queries.canary.buckets, spec.queries.baseline.buckets] : spec.kind === 'ratio' ? [spec.queries.canary.bad, spec.queries.canary.total, spec.queries.baseline.bad, spec.queries.baseline.total] : [spec.queries.canary.bad, spec.queries.canary.total]);
  return Array.from({ length: ticks }, (_, i) => ({ metric: spec.name, template: spec.template, start: START + i * MIN, end: START + (i + 1) * MIN, phase, queries: q }));
}

function analysis(specs: MetricSpec[], metrics: MetricResult[], over: Partial<Analysis>): Analysis {
  return {
    id: 'an-1',
    key: null,
    request: { templates: [...new Set(specs.map((s) => s.template))], args: { service: 'checkout' }, scopes: { canary: { track: 'canary' }, baseline: { track: 'stable' } }, startTime: START, intervalMs: MIN, maxDurationMs: 30 * MIN, alpha: 0.05, source: 'api' },
    specs,
    mode: 'live',
    verdict: 'running',
    score: null,
    startedAt: START,
    decidedAt: null,
    createdAt: START,
    updatedAt: START,
    lastTickEnd: START,
    metrics,
    measurements: [],
    revision: 1,
    ...over,
  };
}

const failedRatioEvidence: Evidence = {
  counts: { canary: { total: 10_900, bad: 120 }, baseline: { total: 10_000, bad: 50 } },
  estimates: { canaryRate: 120 / 10_900, baselineRate: 0.005, ratio: 2.2 },
  interval: { quantity: 'rate ratio (canary / baseline)', lower: 1.6, upper: 3.1, confidence: 0.997 },
  logEValue: Math.log(412),
  logThreshold: Math.log(300),
  alpha: 1 / 300,
  tests: [{ name: 'relative: canary rate ≤ 1.2× baseline', logEValue: Math.log(412), logThreshold: Math.log(300), fired: true }],
  missing: {},
  measurements: health(30),
};

export function failedRatio(): Analysis {
  const end = START + 30 * MIN;
  return analysis([ratioSpec], [result(ratioSpec, 'fail', failedRatioEvidence, 'canary 1.10% vs baseline 0.50% (2.20×, interval 1.60×–3.10×): above 1.20× with evidence e^6.0 ≥ e^5.7', end)], {
    verdict: 'fail', score: 0, decidedAt: end, lastTickEnd: end, updatedAt: end, measurements: measurements(ratioSpec, 30),
  });
}

export function passedAllKinds(): Analysis {
  const end = START + 20 * MIN;
  const ratio = result(ratioSpec, 'pass', {
    counts: { canary: { total: 52_000, bad: 250 }, baseline: { total: 50_000, bad: 250 } },
    estimates: { canaryRate: 250 / 52_000, baselineRate: 0.005, ratio: 0.96 },
    interval: { quantity: 'rate ratio (canary / baseline)', lower: 0.85, upper: 1.04, confidence: 0.99 },
    logEValue: -3.2, logThreshold: Math.log(60), alpha: 1 / 60,
    tests: [{ name: 'relative: canary rate ≤ 1.2× baseline', logEValue: -3.2, logThreshold: Math.log(60), fired: false }],
    missing: {}, measurements: health(20),
  }, 'canary 0.48% vs baseline 0.50%: an increase above 1.04× is ruled out', end);
  const latency = result(histogramSpec, 'pass', {
    counts: { canary: { total: 52_000, bad: 1_040 }, baseline: { total: 50_000, bad: 1_000 } },
    estimates: { p50Canary: 0.042, p95Canary: 0.21, p99Canary: 0.38, p50Baseline: 0.041, p95Baseline: 0.2, p99Baseline: 0.37 },
    interval: { quantity: 'slow-request ratio (canary / baseline)', lower: 0.9, upper: 1.08, confidence: 0.9967 },
    logEValue: -1.1, logThreshold: Math.log(180), alpha: 1 / 60,
    tests: [
      { name: 'share slower than 0.5s: canary ≤ 1.2× baseline', logEValue: -1.1, logThreshold: Math.log(180), fired: false, detail: 'canary 2.00% vs baseline 2.00%, ratio interval 0.90×–1.08×' },
      { name: 'canary p99 ≤ 1s', logEValue: -40, logThreshold: Math.log(180), fired: false, detail: 'slower than 1s: 0.400% (allowed 1.00%)' },
      { name: 'latency distribution: canary same as baseline', logEValue: -2, logThreshold: Math.log(180), fired: false, detail: 'canary not slower on average' },
    ],
    missing: {}, measurements: health(20),
  }, 'p99 canary 380 ms vs baseline 370 ms: an increase above 1.08× in requests slower than 0.5s is ruled out', end - 2 * MIN);
  const burn = result(burnSpec, 'pass', {
    counts: { canary: { total: 52_000, bad: 10 } },
    estimates: { canaryRate: 10 / 52_000, burnRate: 0.19, burnRateUpper: 0.8, objective: 0.999 },
    interval: { quantity: 'burn rate (canary)', lower: 0, upper: 0.8, confidence: 1 - 1 / 60 },
    logEValue: -12, logThreshold: Math.log(60), alpha: 1 / 60,
    tests: [
      { name: 'sequential: canary burn ≤ 2×', logEValue: -12, logThreshold: Math.log(60), fired: false },
      { name: 'row 14.4× over 1h and 5m', fired: false, detail: 'error ratio 0.020% (1h), 0.010% (5m)' },
    ],
    missing: {}, measurements: health(20),
  }, 'canary burn 0.19× (10 bad of 52000 against an objective of 99.9%): a burn above 0.80× is ruled out', end - 5 * MIN);
  const specs = [ratioSpec, histogramSpec, burnSpec];
  return analysis(specs, [ratio, latency, burn], {
    verdict: 'pass', score: 100, decidedAt: end, lastTickEnd: end, updatedAt: end,
    measurements: specs.flatMap((s) => measurements(s, 20)),
  });
}

export function inconclusiveMissing(): Analysis {
  const end = START + 30 * MIN;
  return analysis([ratioSpec], [result(ratioSpec, 'inconclusive', {
    counts: { canary: { total: 63, bad: 0 }, baseline: { total: 88, bad: 1 } },
    estimates: { canaryRate: 0, baselineRate: 1 / 88, ratio: null },
    interval: { quantity: 'rate ratio (canary / baseline)', lower: 0, upper: Infinity, confidence: 0.95 },
    logEValue: 0, logThreshold: Math.log(20), alpha: 0.05,
    tests: [{ name: 'relative: canary rate ≤ 1.2× baseline', logEValue: 0, logThreshold: Math.log(20), fired: false }],
    missing: { canaryEvents: 37, baselineEvents: 12 }, measurements: health(20, 10), cause: 'missingEvents',
  }, 'too few events: 37 more canary events and 12 more baseline events', end)], {
    verdict: 'inconclusive', score: null, decidedAt: end, lastTickEnd: end, updatedAt: end,
    measurements: [...measurements(ratioSpec, 20), ...measurements(ratioSpec, 10, 'nodata').map((m, i) => ({ ...m, start: m.start + 20 * MIN, end: m.end + 20 * MIN, ...(i === 0 ? { warnings: ['query result partial: one store unavailable'] } : {}) }))],
  });
}

export function running(): Analysis {
  const end = START + 7 * MIN;
  const ratio = result(ratioSpec, 'running', {
    counts: { canary: { total: 4_000, bad: 24 }, baseline: { total: 36_000, bad: 180 } },
    estimates: { canaryRate: 0.006, baselineRate: 0.005, ratio: 1.2 },
    interval: { quantity: 'rate ratio (canary / baseline)', lower: 0.7, upper: 2.1, confidence: 0.975 },
    logEValue: Math.log(3.2), logThreshold: Math.log(40), alpha: 0.025,
    tests: [{ name: 'relative: canary rate ≤ 1.2× baseline', logEValue: Math.log(3.2), logThreshold: Math.log(40), fired: false }],
    missing: {}, measurements: health(7),
  }, 'canary 0.60% vs baseline 0.50%, interval 0.70×–2.10×', null);
  const latency = result(histogramSpec, 'running', {
    counts: { canary: { total: 80, bad: 2 }, baseline: { total: 900, bad: 18 } },
    estimates: { p50Canary: 0.04, p95Canary: 0.2, p99Canary: 0.41, p50Baseline: 0.04, p95Baseline: 0.2, p99Baseline: 0.4 },
    logEValue: -0.5, logThreshold: Math.log(120), alpha: 0.025,
    tests: [], missing: { canaryEvents: 20 }, measurements: health(7),
  }, 'waiting for requests: 20 more canary events', null);
  return analysis([ratioSpec, histogramSpec], [ratio, latency], { lastTickEnd: end, updatedAt: end, measurements: [ratioSpec, histogramSpec].flatMap((s) => measurements(s, 7)) });
}

export function aborted(): Analysis {
  const at = START + 9 * MIN;
  const ratio = result(ratioSpec, 'inconclusive', { ...running().metrics[0]!.evidence, cause: 'aborted' }, 'aborted before a decision: canary 0.60% vs baseline 0.50%, interval 0.70×–2.10×', at);
  return analysis([ratioSpec], [ratio], {
    verdict: 'inconclusive', score: null, decidedAt: at, lastTickEnd: START + 8 * MIN, updatedAt: at,
    abort: { at, reason: 'rollout aborted by a user', by: 'argo-rollouts' }, measurements: measurements(ratioSpec, 8),
  });
}

export function measurementErrors(): Analysis {
  const end = START + 8 * MIN;
  const ok = measurements(ratioSpec, 3);
  const failed = measurements(ratioSpec, 5, 'error').map((m, i) => ({ ...m, start: m.start + 3 * MIN, end: m.end + 3 * MIN, error: { code: 'METRICS_UNAVAILABLE', message: 'Prometheus answered 503 (service unavailable)', retryable: true }, ...(i === 4 ? { queries: ['sum(increase(http_requests_total{service="checkout",track="canary",code=~"5.."}[60s]))'] } : {}) }));
  return analysis([ratioSpec], [result(ratioSpec, 'inconclusive', {
    counts: { canary: { total: 60, bad: 1 }, baseline: { total: 540, bad: 3 } },
    estimates: { canaryRate: 1 / 60, baselineRate: 3 / 540, ratio: 3 },
    interval: { quantity: 'rate ratio (canary / baseline)', lower: 0.3, upper: 40, confidence: 0.95 },
    logEValue: 0.4, logThreshold: Math.log(20), alpha: 0.05,
    tests: [{ name: 'relative: canary rate ≤ 1.2× baseline', logEValue: 0.4, logThreshold: Math.log(20), fired: false }],
    missing: { canaryEvents: 40 }, measurements: health(3, 0, 5, 5), cause: 'unmeasurable',
  }, 'cannot measure: 5 consecutive measurements failed (last: METRICS_UNAVAILABLE: Prometheus answered 503 (service unavailable))', end)], {
    verdict: 'inconclusive', score: null, decidedAt: end, lastTickEnd: end, updatedAt: end, measurements: [...ok, ...failed],
  });
}

/** A non-critical failure that leaves the score marginal (between 75 and 95): inconclusive. */
export function marginal(): Analysis {
  const end = START + 30 * MIN;
  const base = passedAllKinds();
  const failedLatency: MetricResult = {
    ...base.metrics[1]!,
    verdict: 'fail',
    weight: 1,
    evidence: { ...base.metrics[1]!.evidence, counts: { canary: { total: 52_000, bad: 1_820 }, baseline: { total: 50_000, bad: 1_000 } }, tests: [{ name: 'share slower than 0.5s: canary ≤ 1.2× baseline', logEValue: Math.log(5000), logThreshold: Math.log(180), fired: true, detail: 'canary 3.50% vs baseline 2.00%, ratio interval 1.40×–2.10×' }], logEValue: Math.log(5000), interval: { quantity: 'slow-request ratio (canary / baseline)', lower: 1.4, upper: 2.1, confidence: 0.9967 } },
    reason: 'share slower than 0.5s is violated',
    decidedAt: end,
  };
  const metrics = [{ ...base.metrics[0]!, weight: 4 }, failedLatency, { ...base.metrics[2]!, weight: 0 }];
  return { ...base, metrics, verdict: 'inconclusive', score: 80, decidedAt: end, lastTickEnd: end };
}

export function thresholdFail(): Analysis {
  const end = START + 5 * MIN;
  return analysis([thresholdSpec], [result(thresholdSpec, 'fail', {
    alpha: 0.05,
    estimates: { value: 0.93 },
    tests: [{ name: 'successful measurements: 4', fired: false }, { name: 'failed measurements: 1', fired: true }, { name: 'inconclusive measurements: 0', fired: false }],
    measurements: health(5),
  }, '4 successful, 1 failed, 0 inconclusive measurements; last value 0.93: more than 0 failed (success when result >= 0.95)', end)], {
    verdict: 'fail', score: 0, decidedAt: end, lastTickEnd: end, updatedAt: end, measurements: measurements(thresholdSpec, 5),
  });
}

export const ALL_FIXTURES: Record<string, () => Analysis> = { failedRatio, passedAllKinds, inconclusiveMissing, running, aborted, measurementErrors, marginal, thresholdFail };
