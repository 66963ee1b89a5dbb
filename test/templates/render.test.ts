import { describe, expect, it } from 'vitest';
import { promDuration } from '../../src/templates/render.js';
import { loadOk, render, renderThreshold } from './helpers.js';

const RATIO = `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: errors }
spec:
  args:
    - name: service
    - name: objective
      type: number
      default: "99.5"
  metrics:
    - name: error-rate
      kind: ratio
      ratio:
        bad: sum(increase(http_requests_total{service="{{args.service}}", code=~"5.."}[{{interval}}]))
        total: sum(increase(http_requests_total{service="{{args.service}}"}[{{interval}}]))
`;

describe('rendering metric specs', () => {
  it('renders a ratio metric with args, the interval and each scope into its own queries', () => {
    const [spec] = render(loadOk(RATIO), { args: { service: 'checkout' } });
    expect(spec).toEqual({
      name: 'error-rate',
      template: 'errors',
      kind: 'ratio',
      weight: 1,
      critical: false,
      minEvents: 100,
      direction: 'increase',
      unit: 'ratio',
      tolerance: 1,
      passBelow: 1.5,
      queries: {
        canary: {
          bad: 'sum(increase(http_requests_total{service="checkout", code=~"5..", track="canary"}[60s]))',
          total: 'sum(increase(http_requests_total{service="checkout", track="canary"}[60s]))',
        },
        baseline: {
          bad: 'sum(increase(http_requests_total{service="checkout", code=~"5..", track="baseline"}[60s]))',
          total: 'sum(increase(http_requests_total{service="checkout", track="baseline"}[60s]))',
        },
      },
    });
  });

  it('writes the interval in seconds, or in milliseconds when it is not whole seconds', () => {
    expect(promDuration(60_000)).toBe('60s');
    expect(promDuration(90_000)).toBe('90s');
    expect(promDuration(1_500)).toBe('1500ms');
    const [spec] = render(loadOk(RATIO), { args: { service: 'a' }, intervalMs: 90_000 });
    expect(spec?.kind === 'ratio' && spec.queries.canary.total).toBe(
      'sum(increase(http_requests_total{service="a", track="canary"}[90s]))',
    );
  });

  it('renders a histogram with bounds and quantile bounds taken from number args', () => {
    const yaml = `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: latency }
spec:
  args:
    - { name: service }
    - { name: bound, type: number, default: "0.25" }
    - { name: p99, type: number, default: "0.8" }
  metrics:
    - name: latency
      kind: histogram
      histogram:
        buckets: sum by (le) (increase(http_request_duration_seconds_bucket{service="{{args.service}}"}[{{interval}}]))
        bounds: ["{{args.bound}}", 1]
        quantileBounds: [{ quantile: 0.99, maxSeconds: "{{args.p99}}" }]
        distributionTest: true
`;
    const [spec] = render(loadOk(yaml), { args: { service: 'api', bound: '0.5' } });
    expect(spec).toMatchObject({
      kind: 'histogram',
      unit: 'seconds',
      bounds: [0.5, 1],
      quantileBounds: [{ quantile: 0.99, maxSeconds: 0.8 }],
      distributionTest: true,
      tolerance: 1,
      passBelow: 1.5,
      queries: {
        canary: {
          buckets: 'sum by (le) (increase(http_request_duration_seconds_bucket{service="api", track="canary"}[60s]))',
        },
        baseline: {
          buckets: 'sum by (le) (increase(http_request_duration_seconds_bucket{service="api", track="baseline"}[60s]))',
        },
      },
    });
  });

  it('renders burnRate counts per interval and one error-ratio query per row window, canary scope only', () => {
    const yaml = `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: burn }
spec:
  args:
    - { name: objective, type: number, default: "99.9" }
  metrics:
    - name: burn
      kind: burnRate
      burnRate:
        bad: sum(increase(errors_total[{{window}}]))
        total: sum(increase(requests_total[{{window}}]))
        objective: "{{args.objective}}"
        rows: [{ longWindow: 1h, shortWindow: 5m, burnRate: 14.4 }]
`;
    const [spec] = render(loadOk(yaml));
    expect(spec).toEqual({
      name: 'burn',
      template: 'burn',
      kind: 'burnRate',
      weight: 1,
      critical: false,
      minEvents: 100,
      direction: 'increase',
      objective: 0.999,
      maxBurn: 1,
      queries: {
        canary: {
          bad: 'sum(increase(errors_total{track="canary"}[60s]))',
          total: 'sum(increase(requests_total{track="canary"}[60s]))',
        },
      },
      rows: [
        {
          longWindow: '1h',
          shortWindow: '5m',
          burnRate: 14.4,
          queries: {
            long: '(sum(increase(errors_total{track="canary"}[1h]))) / (sum(increase(requests_total{track="canary"}[1h])))',
            short: '(sum(increase(errors_total{track="canary"}[5m]))) / (sum(increase(requests_total{track="canary"}[5m])))',
          },
        },
      ],
    });
  });

  it('uses the SRE workbook rows when a burnRate metric names none', () => {
    const yaml = `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: burn }
spec:
  metrics:
    - name: burn
      kind: burnRate
      burnRate:
        bad: sum(increase(errors_total[{{window}}]))
        total: sum(increase(requests_total[{{window}}]))
        objective: 99.95
`;
    const [spec] = render(loadOk(yaml));
    expect(spec?.kind === 'burnRate' && spec.objective).toBe(0.9995);
    expect(spec?.kind === 'burnRate' && spec.rows.map((r) => [r.burnRate, r.longWindow, r.shortWindow])).toEqual([
      [14.4, '1h', '5m'],
      [6, '6h', '30m'],
      [3, '1d', '2h'],
      [1, '3d', '6h'],
    ]);
  });

  it('renders threshold conditions with number args and the canary scope in the query', () => {
    const yaml = `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: t }
spec:
  args: [{ name: max, type: number, default: "0.01" }]
  metrics:
    - name: saturation
      kind: threshold
      threshold:
        query: max(rate(cpu_seconds_total[5m]))
        successCondition: result[0] < {{args.max}}
        failureCondition: result[0] >= {{ args.max }} * 2
        failureLimit: 2
`;
    const [spec] = render(loadOk(yaml), { args: { max: '-1' } });
    expect(spec).toMatchObject({
      kind: 'threshold',
      query: 'max(rate(cpu_seconds_total{track="canary"}[5m]))',
      successCondition: 'result[0] < (-1)',
      failureCondition: 'result[0] >= (-1) * 2',
      failureLimit: 2,
      inconclusiveLimit: 0,
      minEvents: 1,
    });
  });

  it('keeps metrics with the same name apart when they come from different templates', () => {
    const a = RATIO;
    const b = RATIO.replace('name: errors', 'name: errors-copy');
    const templates = new Map([...loadOk(a), ...loadOk(b)]);
    const specs = render(templates, { args: { service: 's' } });
    expect(specs.map((s) => `${s.template}/${s.name}`)).toEqual(['errors/error-rate', 'errors-copy/error-rate']);
  });

  it('renders a template named twice in the request once', () => {
    const specs = render(loadOk(RATIO), { templates: ['errors', 'errors'], args: { service: 's' } });
    expect(specs).toHaveLength(1);
  });

  it('leaves queries untouched by scopes when the scope is empty', () => {
    expect(renderThreshold('sum(up)', {})).toBe('sum(up)');
  });
});

describe('adding scope matchers to every series selector', () => {
  const cases: Array<[string, string]> = [
    ['up', 'up{track="canary"}'],
    ['up{}', 'up{track="canary"}'],
    ['up{job="a"}', 'up{job="a", track="canary"}'],
    ['up{job="a",}', 'up{job="a", track="canary"}'],
    ['up{ job="a" }', 'up{ job="a", track="canary" }'],
    ['{__name__="up"}', '{__name__="up", track="canary"}'],
    ['{"http.requests", code="500"}', '{"http.requests", code="500", track="canary"}'],
    ['sum by (le) (rate(h_bucket[5m]))', 'sum by (le) (rate(h_bucket{track="canary"}[5m]))'],
    ['sum(rate(h_bucket[5m])) by (le, code)', 'sum(rate(h_bucket{track="canary"}[5m])) by (le, code)'],
    ['SUM WITHOUT (instance) (x)', 'SUM WITHOUT (instance) (x{track="canary"})'],
    [
      'a * on(instance) group_left(version) b',
      'a{track="canary"} * on(instance) group_left(version) b{track="canary"}',
    ],
    ['a / ignoring(code) group_right b', 'a{track="canary"} / ignoring(code) group_right b{track="canary"}'],
    [
      'histogram_quantile(0.99, sum by (le) (rate(h_bucket{job="x"}[5m])))',
      'histogram_quantile(0.99, sum by (le) (rate(h_bucket{job="x", track="canary"}[5m])))',
    ],
    ['rate(x[5m] offset 1h)', 'rate(x{track="canary"}[5m] offset 1h)'],
    ['x @ start()', 'x{track="canary"} @ start()'],
    ['max_over_time(rate(x[5m])[1h:1m])', 'max_over_time(rate(x{track="canary"}[5m])[1h:1m])'],
    ['a and b or c unless d', 'a{track="canary"} and b{track="canary"} or c{track="canary"} unless d{track="canary"}'],
    ['a > bool 0.5', 'a{track="canary"} > bool 0.5'],
    ['absent(up) or vector(1)', 'absent(up{track="canary"}) or vector(1)'],
    ['topk(5, x) + time()', 'topk(5, x{track="canary"}) + time()'],
    ['count_values("v", x)', 'count_values("v", x{track="canary"})'],
    [
      'label_replace(up, "dst", "$1", "src", "(.*)")',
      'label_replace(up{track="canary"}, "dst", "$1", "src", "(.*)")',
    ],
    ['level:http_requests:rate5m', 'level:http_requests:rate5m{track="canary"}'],
    ['x{a="}{"}', 'x{a="}{", track="canary"}'],
    ["x{a='b'}", "x{a='b', track=\"canary\"}"],
    ['1 + 2 * 3e2 - 0x1f', '1 + 2 * 3e2 - 0x1f'],
    ['sum(x) # a comment with up{}\n+ y', 'sum(x{track="canary"}) \n+ y{track="canary"}'],
  ];
  it.each(cases)('%s', (query, expected) => {
    expect(renderThreshold(query)).toBe(expected);
  });

  it('adds several matchers sorted by label name', () => {
    expect(renderThreshold('up{job="a"}', { zone: 'b', cluster: 'eu-1' })).toBe(
      'up{job="a", cluster="eu-1", zone="b"}',
    );
  });

  it('adds a scope label the template already fixes as a second matcher (Prometheus ANDs them)', () => {
    expect(renderThreshold('up{track="stable"}')).toBe('up{track="stable", track="canary"}');
  });
});
