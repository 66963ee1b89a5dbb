import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors/template-errors.js';
import { loadOk, problemsOf, render } from './helpers.js';

const FILE = 'analysis-templates/argo-success-rate.yaml';

/** Shaped like the AnalysisTemplate in Argo Rollouts' analysis docs (prometheus provider). */
const ARGO = `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
  namespace: shop
spec:
  args:
  - name: service-name
  - name: lookback
    value: 5m
  - name: min-success
    value: "0.95"
  - name: api-token
    valueFrom:
      secretKeyRef:
        name: token-secret
        key: apiToken
  dryRun:
  - metricName: success-rate
  metrics:
  - name: success-rate
    interval: 5m
    count: 10
    initialDelay: 1m
    successCondition: result[0] >= {{args.min-success}}
    failureLimit: 3
    inconclusiveLimit: "2"
    provider:
      prometheus:
        address: http://prometheus.example.com:9090
        timeout: 40
        headers:
        - key: X-Scope-OrgID
          value: tenant_a
        query: |
          sum(irate(
            istio_requests_total{reporter="source",destination_service=~"{{ args.service-name }}",response_code!~"5.*"}[{{args.lookback}}]
          )) /
          sum(irate(
            istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}"}[{{args.lookback}}]
          ))
`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('loading Argo Rollouts AnalysisTemplates with the prometheus provider', () => {
  it('loads each metric as a critical threshold metric with its conditions and limits', () => {
    const templates = loadOk(ARGO, FILE);
    const template = templates.get('success-rate');
    expect(template).toMatchObject({
      format: 'argo',
      file: FILE,
      args: [
        { name: 'service-name', type: 'string' },
        { name: 'lookback', type: 'duration', default: '5m' },
        { name: 'min-success', type: 'number', default: '0.95' },
        { name: 'api-token', type: 'string' },
      ],
    });
    const [spec] = render(templates, { args: { 'service-name': 'checkout.shop.svc', 'api-token': 'unused' } });
    expect(spec).toEqual({
      name: 'success-rate',
      template: 'success-rate',
      kind: 'threshold',
      weight: 1,
      critical: true,
      minEvents: 1,
      direction: 'increase',
      successCondition: 'result[0] >= 0.95',
      failureLimit: 3,
      inconclusiveLimit: 2,
      query:
        'sum(irate(\n' +
        '  istio_requests_total{reporter="source",destination_service=~"checkout\\\\.shop\\\\.svc",response_code!~"5.*", track="canary"}[5m]\n' +
        ')) /\n' +
        'sum(irate(\n' +
        '  istio_requests_total{reporter="source",destination_service=~"checkout\\\\.shop\\\\.svc", track="canary"}[5m]\n' +
        '))',
    });
  });

  it('loads a ClusterAnalysisTemplate and keeps a failureCondition', () => {
    const yaml = ARGO.replace('kind: AnalysisTemplate', 'kind: ClusterAnalysisTemplate').replace(
      'successCondition: result[0] >= {{args.min-success}}',
      'failureCondition: result[0] < {{args.min-success}}',
    );
    const [spec] = render(loadOk(yaml), { args: { 'service-name': 's', 'api-token': 't' } });
    expect(spec).toMatchObject({ kind: 'threshold', failureCondition: 'result[0] < 0.95' });
    expect(spec).not.toHaveProperty('successCondition');
  });

  it('requires args that have neither value nor a value the request can supply', () => {
    expect(thrown(() => render(loadOk(ARGO), { args: { 'api-token': 't' } }))).toMatchObject({
      code: 'ARGUMENT_INVALID',
      details: { field: 'args.service-name' },
    });
  });

  it('validates Argo args by the type their position implies', () => {
    const templates = loadOk(ARGO);
    const attempt = (args: Record<string, string>) =>
      thrown(() => render(templates, { args: { 'service-name': 's', 'api-token': 't', ...args } }));
    expect(attempt({ lookback: '5m]) or vector(1) #' })).toMatchObject({ details: { field: 'args.lookback' } });
    expect(attempt({ 'min-success': '0 || true' })).toBeInstanceOf(InvalidArgumentError);
  });

  it('refuses a template with a web metric, naming the provider field', () => {
    const yaml = `${ARGO}
  - name: smoke
    successCondition: result == "ok"
    provider:
      web:
        url: http://example.com/
`;
    expect(problemsOf(yaml, FILE)).toEqual([
      `${FILE}: spec.metrics[1].provider: only the prometheus provider can be loaded by wavegate (found web)`,
    ]);
  });

  it.each([
    ['a range query', 'query: |', 'rangeQuery: { start: "now-1h", end: now, step: 1m }\n        query: |', 'spec.metrics[0].provider.prometheus.rangeQuery: range queries are not supported; use an instant query'],
    ['consecutiveSuccessLimit', 'failureLimit: 3', 'failureLimit: 3\n    consecutiveSuccessLimit: 2', 'spec.metrics[0].consecutiveSuccessLimit: is not supported by wavegate (remove it or use failureLimit)'],
    ['a disabled failureLimit', 'failureLimit: 3', 'failureLimit: -1', 'spec.metrics[0].failureLimit: must be ≥ 0 (disabling it is not supported)'],
    ['a metric without conditions', '    successCondition: result[0] >= {{args.min-success}}\n', '', 'spec.metrics[0]: needs a successCondition or a failureCondition (a metric without one always succeeds)'],
    ['an undeclared arg', '{{ args.service-name }}', '{{ args.svc }}', 'spec.args: {{args.svc}} is used but not declared'],
    ['a missing query', '        query: |', '        querry: |', 'spec.metrics[0].provider.prometheus.query: is required'],
  ])('refuses %s with the field named', (_, from, to, expected) => {
    expect(problemsOf(ARGO.replace(from, to), FILE)).toContain(`${FILE}: ${expected}`);
  });

  it('refuses an arg used both as a duration and as a number', () => {
    const yaml = ARGO.replace('sum(irate(', 'sum(irate(').replace('successCondition: result[0] >= {{args.min-success}}', 'successCondition: result[0] >= {{args.lookback}}');
    expect(problemsOf(yaml, FILE)).toContain(`${FILE}: spec.args: {{args.lookback}} is used both as a duration and as a number`);
  });
});
