import { describe, expect, it } from 'vitest';
import { abortAnalysis, advance, newAnalysis } from '../../../src/core/analysis/advance.js';
import type { Analysis, AnalysisRequest, Buckets, Counts, Measurement, MetricSpec } from '../../../src/core/analysis/model.js';
import { buildExplanation } from '../../../src/core/explain/explanation.js';
import { renderMarkdown } from '../../../src/core/explain/markdown.js';
import { renderText } from '../../../src/core/explain/text.js';
import { burnSpec, histogramSpec, MIN, ratioSpec, START } from './fixtures.js';

/**
 * Explanations of analyses judged by the real judges (advance → judgeMetric → stats) from synthetic
 * measurements, so the wording is checked against the evidence the judges actually produce.
 */
const OPTS = { grafanaUrl: 'https://grafana.example.com', grafanaDatasource: 'prom-main' };

type Tick = (spec: MetricSpec, i: number) => Measurement;

function request(over: Partial<AnalysisRequest> = {}): AnalysisRequest {
  return { templates: ['http-errors'], args: {}, scopes: { canary: { track: 'canary' }, baseline: { track: 'stable' } }, startTime: START, intervalMs: MIN, maxDurationMs: 10 * MIN, alpha: 0.05, ...over };
}

/** Ticks until the analysis settles or `maxTicks` have run. */
function run(specs: MetricSpec[], tick: Tick, opts: { maxTicks?: number; request?: Partial<AnalysisRequest> } = {}): Analysis {
  let a = newAnalysis({ id: 'real-1', request: request(opts.request), specs, now: START });
  for (let i = 0; i < (opts.maxTicks ?? 1000) && a.verdict === 'running'; i++) {
    const end = START + (i + 1) * MIN;
    a = advance(a, end, specs.map((s) => tick(s, i)), end);
  }
  return a;
}

function base(spec: MetricSpec, i: number, queries: string[]): Pick<Measurement, 'metric' | 'template' | 'start' | 'end' | 'queries'> {
  return { metric: spec.name, template: spec.template, start: START + i * MIN, end: START + (i + 1) * MIN, queries };
}

function ratioTick(canary: Counts, baseline: Counts): Tick {
  return (spec, i) => {
    if (spec.kind !== 'ratio') throw new Error('ratio specs only');
    const q = spec.queries;
    return { ...base(spec, i, [q.canary.bad, q.canary.total, q.baseline.bad, q.baseline.total]), phase: 'ok', data: { kind: 'ratio', canary, baseline } };
  };
}

const LE = [0.1, 0.25, 0.5, 1, Infinity];
const buckets = (n: number): Buckets => ({ le: LE, cumulative: [0.5, 0.8, 0.98, 0.995, 1].map((f) => Math.round(f * n)) });

/** Healthy traffic for every kind: same error rate and latency on both sides, almost no budget burn. */
const healthy: Tick = (spec, i) => {
  switch (spec.kind) {
    case 'ratio':
      return ratioTick({ total: 20_000, bad: 100 }, { total: 180_000, bad: 900 })(spec, i);
    case 'histogram':
      return { ...base(spec, i, [spec.queries.canary.buckets, spec.queries.baseline.buckets]), phase: 'ok', data: { kind: 'histogram', canary: buckets(20_000), baseline: buckets(180_000) } };
    case 'burnRate':
      return {
        ...base(spec, i, [spec.queries.canary.bad, spec.queries.canary.total]),
        phase: 'ok',
        data: { kind: 'burnRate', canary: { total: 20_000, bad: 1 }, rows: [{ longWindow: '1h', shortWindow: '5m', long: 0.00005, short: 0.00005 }] },
      };
    case 'threshold':
      return { ...base(spec, i, [spec.query]), phase: 'ok', data: { kind: 'threshold', values: [1] } };
  }
};

function expectCleanRenderings(a: Analysis): void {
  for (const opts of [OPTS, {}]) {
    const e = buildExplanation(a, opts);
    for (const out of [renderMarkdown(e), renderText(e), JSON.stringify(e)]) {
      for (const word of ['undefined', 'NaN', '[object Object]']) expect(out).not.toContain(word);
    }
  }
}

describe('explaining analyses judged by the real judges', () => {
  it('bursty errors: the summary says the evidence was discounted, and by how much', () => {
    const bursty = Array.from({ length: 60 }, (_, i) => ({ total: 180_000, bad: i % 5 === 0 ? 3_000 : 600 }));
    let a = newAnalysis({ id: 'real-b', request: request({ maxDurationMs: 10 * MIN }), specs: [ratioSpec], now: START });
    a = { ...a, baselineHistory: { [`${ratioSpec.template}/${ratioSpec.name}`]: bursty } };
    for (let i = 0; i < 3; i++) {
      const end = START + (i + 1) * MIN;
      a = advance(a, end, [ratioTick({ total: 20_000, bad: 100 }, { total: 180_000, bad: 900 })(ratioSpec, i)], end);
    }
    const e = buildExplanation(a, OPTS);
    expect(e.metrics[0]!.summary).toMatch(/bad events come in bursts: the evidence counts about [\d.]+ of them as one \(dispersion [\d.]+\)/);
    expectCleanRenderings(a);
  });

  it('a failure by an exact look: the headline names the look and its p-value, not the e-value under its threshold', () => {
    const alternating: Tick = (spec, i) => ratioTick({ total: 600, bad: i % 2 ? 6 : 5 }, { total: 5_400, bad: 27 })(spec, i);
    const a = run([ratioSpec], alternating, { request: { maxDurationMs: 15 * MIN, alpha: 0.01 } });
    expect(a.verdict).toBe('fail');
    const look = (a.decidedAt! - START) / MIN;
    expect(look).toBeLessThan(15);
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(new RegExp(`failed: exact looks: canary rate ≤ [\\d.]+× baseline \\(α spent over the planned looks\\) \\(look ${look} of 15: [\\d.]+ canary bad events, [\\d.]+ expected; p = [\\d.e-]+ ≤ [\\d.e-]+\\)`));
    expect(e.headline).not.toMatch(/evidence [\d,.e]+ < 1\/α/);
    const test = e.metrics[0]!.tests.find((t) => t.name.startsWith('exact looks'))!;
    expect(test.evidence).toMatch(/^p-value [\d.e-]+ ≤ α [\d.e-]+$/);
    expectCleanRenderings(a);
  });

  it('a failed error rate: the headline has both rates, the ratio interval, evidence ≥ 1/α, counts and the range', () => {
    const a = run([ratioSpec], ratioTick({ total: 600, bad: 12 }, { total: 5_400, bad: 27 }));
    expect(a.verdict).toBe('fail');
    const e = buildExplanation(a, OPTS);
    expect(e.decidingMetric).toBe('http-errors/error-rate');
    expect(e.headline).toMatch(/^FAIL \(critical metric failed, score 0\): http-errors\/error-rate — /);
    expect(e.headline).toMatch(/checkout error rate 2\.00% on the canary vs 0\.50% on the baseline: \d+\.\d+× \(\d+(\.\d+)?% interval \d+\.\d+×–\d+\.\d+×, tolerance 1\.20×\)/);
    // α = 0.05, of which the mixture gets 20% (the rest is the exact looks'): threshold 1/0.01 = 100.
    expect(e.headline).toMatch(/evidence [\d,.e]+ ≥ 1\/α = 100/);
    expect(e.headline).toMatch(/\d+ bad of [\d,]+ canary events vs \d+ of [\d,]+ on the baseline/);
    expect(e.headline).toContain(`2024-03-05 03:00–03:0${(a.lastTickEnd - START) / MIN} UTC`);
    const md = renderMarkdown(e);
    expect(md).toContain(`\`\`\`promql\n${ratioSpec.queries.canary.bad}\n\`\`\``);
    const link = e.metrics[0]!.queries[0]!.grafanaUrl!;
    expect(JSON.stringify(JSON.parse(new URL(link).searchParams.get('panes')!))).toContain(JSON.stringify(ratioSpec.queries.canary.bad));
    expectCleanRenderings(a);
  });

  it('a pass of ratio, histogram and burn-rate metrics says what each ruled out', () => {
    const specs = [{ ...ratioSpec, passBelow: 1.3, tolerance: 1.5 }, { ...histogramSpec, passBelow: 1.3, tolerance: 1.5 }, burnSpec];
    const a = run(specs, healthy);
    expect(a.verdict).toBe('pass');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(/^PASS \(score 100, 3 of 3 metrics passed\): /);
    expect(e.headline).toMatch(/is ruled out at \d+(\.\d+)?% confidence/);
    const [ratio, latency, burn] = e.metrics;
    expect(ratio!.summary).toMatch(/an increase in checkout error rate above \d+\.\d+× is ruled out/);
    expect(latency!.summary).toMatch(/^p99 latency \d+ ms on the canary vs \d+ ms on the baseline/);
    expect(latency!.summary).toMatch(/an increase in requests slower than 500 ms above \d+\.\d+× is ruled out/);
    expect(burn!.summary).toMatch(/a burn above \d+\.\d+× is ruled out/);
    expectCleanRenderings(a);
  });

  it('a latency regression: p99 in ms on both sides, the slow-request ratio interval and the failed test', () => {
    const slower: Tick = (spec, i) =>
      spec.kind === 'histogram'
        ? { ...base(spec, i, [spec.queries.canary.buckets, spec.queries.baseline.buckets]), phase: 'ok', data: { kind: 'histogram', canary: { le: LE, cumulative: [0.4, 0.7, 0.94, 0.99, 1].map((f) => f * 20_000) }, baseline: buckets(180_000) } }
        : healthy(spec, i);
    const a = run([{ ...histogramSpec, critical: true }], slower);
    expect(a.verdict).toBe('fail');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(/http-latency\/latency — p99 latency [\d.]+ m?s on the canary vs \d+ ms on the baseline: slow-request ratio \d+\.\d+× \(\d+(\.\d+)?% interval/);
    expect(e.headline).toContain('failed: share slower than 0.5s');
    expect(e.headline).toMatch(/slower than 500 ms of [\d,]+ canary requests/);
    expectCleanRenderings(a);
  });

  it('an excess burn: the canary burn as a multiple with its upper bound, limit and objective', () => {
    const burning: Tick = (spec, i) => ({ ...base(spec, i, [burnSpec.queries.canary.bad]), phase: 'ok', data: { kind: 'burnRate', canary: { total: 20_000, bad: 200 }, rows: [{ longWindow: '1h', shortWindow: '5m', long: 0.01, short: 0.01 }] } });
    const a = run([{ ...burnSpec, critical: true }], burning);
    expect(a.verdict).toBe('fail');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(/slo\/availability-burn — canary error-budget burn 10\.00× \(\d+(\.\d+)?% upper bound [\d.]+×, limit 2\.00×, objective 99\.9%\)/);
    expect(e.headline).toContain('400 bad of 40,000 canary events');
    expectCleanRenderings(a);
  });

  it('no data at all: inconclusive, saying every measurement came back empty', () => {
    const empty: Tick = (spec, i) => ({ ...base(spec, i, [ratioSpec.queries.canary.total]), phase: 'nodata' });
    const a = run([ratioSpec], empty, { request: { maxDurationMs: 3 * MIN } });
    expect(a.verdict).toBe('inconclusive');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toContain('needs 100 more canary events and 100 more baseline events (minimum 100); 3 of 3 measurements returned no data; no canary events yet');
    expectCleanRenderings(a);
  });

  it('a lower-is-worse ratio (success rate): shown as the template defines it, with the shortfall ratio judged', () => {
    const spec = { ...ratioSpec, name: 'success-rate', description: 'checkout success rate', direction: 'decrease' as const };
    const a = run([spec], ratioTick({ total: 20_000, bad: 19_600 }, { total: 180_000, bad: 179_100 }));
    expect(a.verdict).toBe('fail');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toContain('checkout success rate 98.0% on the canary vs 99.5% on the baseline: shortfall ratio (1 − rate) 4.00×');
    expect(e.headline).toContain('800 bad of 40,000 canary events vs 1,800 of 360,000 on the baseline');
    expectCleanRenderings(a);
  });

  it('too little traffic: inconclusive, saying how many more events each side needed', () => {
    const a = run([ratioSpec], ratioTick({ total: 5, bad: 0 }, { total: 45, bad: 0 }), { request: { maxDurationMs: 3 * MIN } });
    expect(a.verdict).toBe('inconclusive');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toContain('needs 85 more canary events (minimum 100)');
    expect(e.headline).toContain('0 bad of 15 canary events vs 0 of 135 on the baseline');
    expectCleanRenderings(a);
  });

  it('a broken Prometheus: inconclusive, naming the error and how many measurements failed', () => {
    const failing: Tick = (spec, i) => ({ ...base(spec, i, [ratioSpec.queries.canary.bad]), phase: 'error', error: { code: 'METRICS_UNAVAILABLE', message: 'Prometheus answered 503', retryable: true } });
    const a = run([ratioSpec], failing);
    expect(a.verdict).toBe('inconclusive');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(/cannot measure: 5 of 5 measurements failed, the last 5 in a row \(5 × METRICS_UNAVAILABLE: Prometheus answered 503\)/);
    expectCleanRenderings(a);
  });

  it('a running analysis: the current numbers of the metric closest to deciding, and the range so far', () => {
    const a = run([ratioSpec, histogramSpec], (s, i) => (s.kind === 'ratio' ? ratioTick({ total: 600, bad: 4 }, { total: 5_400, bad: 27 })(s, i) : healthy(s, i)), { maxTicks: 2 });
    expect(a.verdict).toBe('running');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(/^RUNNING \(\d of 2 metrics still measuring\): /);
    expect(e.headline).toContain('measured so far 2024-03-05 03:00–03:02 UTC (2m)');
    expectCleanRenderings(a);
  });

  it('an aborted analysis: who aborted, why, and the numbers so far', () => {
    const running = run([ratioSpec], ratioTick({ total: 600, bad: 4 }, { total: 5_400, bad: 27 }), { maxTicks: 2 });
    const a = abortAnalysis(running, 'promotion cancelled', START + 2 * MIN + 5_000, 'flagger');
    const e = buildExplanation(a, OPTS);
    expect(e.headline).toMatch(/^INCONCLUSIVE: aborted by flagger at 2024-03-05 03:02:05 UTC: promotion cancelled; http-errors\/error-rate — aborted before a decision; so far checkout error rate 0\.67% on the canary/);
    expectCleanRenderings(a);
  });
});
