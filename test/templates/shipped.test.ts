import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadTemplates } from '../../src/templates/load.js';
import { renderMetrics } from '../../src/templates/render.js';
import type { MetricSpec } from '../../src/core/analysis/model.js';
import { promtoolCheck } from './helpers.js';

const DIR = path.resolve(import.meta.dirname, '../../analysis-templates');

async function docsOf(file: string): Promise<Array<Record<string, any>>> {
  const docs = parseAllDocuments(await readFile(path.join(DIR, file), 'utf8'));
  for (const doc of docs) expect(doc.errors, file).toEqual([]);
  return docs.map((d) => d.toJS() as Record<string, any>);
}

function allQueries(spec: MetricSpec): string[] {
  switch (spec.kind) {
    case 'ratio':
      return [spec.queries.canary.bad, spec.queries.canary.total, spec.queries.baseline.bad, spec.queries.baseline.total];
    case 'histogram':
      return [spec.queries.canary.buckets, spec.queries.baseline.buckets];
    case 'burnRate':
      return [spec.queries.canary.bad, spec.queries.canary.total, ...spec.rows.flatMap((r) => [r.queries.long, r.queries.short])];
    case 'threshold':
      return [spec.query];
  }
}

describe('the templates shipped in analysis-templates/', () => {
  const request = {
    templates: ['http-success-rate', 'http-latency', 'error-budget-burn'],
    args: { service: 'checkout' },
    scopes: { canary: { rollouts_pod_template_hash: 'abc123' }, baseline: { rollouts_pod_template_hash: 'def456' } },
    intervalMs: 60_000,
  };

  it('load without problems, skipping the Argo Rollouts and Flagger manifests', async () => {
    const { templates, problems } = await loadTemplates(DIR);
    expect(problems).toEqual([]);
    expect([...templates.keys()].sort()).toEqual(['error-budget-burn', 'http-latency', 'http-success-rate']);
  });

  it('render with only the service argument into the expected metric specs', async () => {
    const { templates } = await loadTemplates(DIR);
    const specs = renderMetrics(templates, request);
    const canary = 'rollouts_pod_template_hash="abc123"';
    expect(specs.map((s) => [s.template, s.name, s.kind, s.critical])).toEqual([
      ['http-success-rate', 'error-rate', 'ratio', true],
      ['http-latency', 'latency', 'histogram', false],
      ['error-budget-burn', 'burn-rate', 'burnRate', true],
    ]);
    expect(specs[0]).toMatchObject({
      queries: {
        canary: {
          bad: `sum(increase(http_requests_total{service="checkout", code=~"5..", ${canary}}[60s]))`,
          total: `sum(increase(http_requests_total{service="checkout", ${canary}}[60s]))`,
        },
        baseline: { total: 'sum(increase(http_requests_total{service="checkout", rollouts_pod_template_hash="def456"}[60s]))' },
      },
      tolerance: 1,
      passBelow: 1.5,
      maxRate: 0.05,
    });
    expect(specs[1]).toMatchObject({
      queries: {
        canary: { buckets: `sum by (le) (increase(http_request_duration_seconds_bucket{service="checkout", ${canary}}[60s]))` },
      },
      bounds: [],
      quantileBounds: [{ quantile: 0.99, maxSeconds: 1 }],
      distributionTest: true,
    });
    expect(specs[2]).toMatchObject({ objective: 0.999, maxBurn: 1 });
    expect(specs[2]?.kind === 'burnRate' && specs[2].rows).toHaveLength(4);
  });

  it('refuses a service name outside the templates pattern', async () => {
    const { templates } = await loadTemplates(DIR);
    expect(() => renderMetrics(templates, { ...request, args: { service: 'Checkout Service' } })).toThrow(
      /args\.service: must match/,
    );
  });

  it('render into PromQL that Prometheus parses', async () => {
    const { templates } = await loadTemplates(DIR);
    const queries = renderMetrics(templates, request).flatMap(allQueries);
    expect(promtoolCheck(queries)).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it('include an Argo Rollouts web AnalysisTemplate whose conditions keep "running" measuring', async () => {
    const [template, rollout] = await docsOf('argo-rollouts/analysis-template.yaml');
    expect(template).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'wavegate' } });
    const metric = template?.spec.metrics[0];
    expect(metric).toMatchObject({
      interval: '1m',
      successCondition: 'result == "pass"',
      failureCondition: 'result == "fail"',
      consecutiveSuccessLimit: 1,
      failureLimit: 0,
      provider: {
        web: {
          method: 'POST',
          url: '{{args.wavegate-url}}/api/v1/hooks/argo',
          jsonPath: '{$.verdict}',
          jsonBody: {
            key: 'argo:{{args.namespace}}/{{args.rollout-name}}:{{args.canary-hash}}',
            templates: ['http-success-rate', 'http-latency', 'error-budget-burn'],
            args: { service: '{{args.service}}' },
            scopes: {
              canary: { rollouts_pod_template_hash: '{{args.canary-hash}}' },
              baseline: { rollouts_pod_template_hash: '{{args.stable-hash}}' },
            },
            interval: '1m',
            maxDuration: '30m',
          },
        },
      },
    });
    // "running" is an Inconclusive measurement: the budget must outlast maxDuration / interval,
    // and Argo's validation needs count >= inconclusiveLimit and count >= failureLimit + consecutiveSuccessLimit.
    const readingsWhileRunning = 30;
    expect(metric.inconclusiveLimit).toBeGreaterThan(readingsWhileRunning);
    expect(metric.count).toBeGreaterThanOrEqual(metric.inconclusiveLimit);
    expect(metric.count).toBeGreaterThanOrEqual(metric.failureLimit + metric.consecutiveSuccessLimit);
    // Every {{args.x}} the template uses is declared.
    const declared = new Set(template?.spec.args.map((a: { name: string }) => a.name));
    const used = [...JSON.stringify(template?.spec.metrics).matchAll(/\{\{\s*args\.([\w-]+)\s*\}\}/g)].map((m) => m[1]);
    expect(used.filter((u) => !declared.has(u))).toEqual([]);
    // The Rollout references it and passes every arg without a value.
    expect(rollout).toMatchObject({ kind: 'Rollout' });
    const step = rollout?.spec.strategy.canary.steps.find((s: Record<string, unknown>) => 'analysis' in s);
    expect(step.analysis.templates).toEqual([{ templateName: 'wavegate' }]);
    const passed = new Set(step.analysis.args.map((a: { name: string }) => a.name));
    const required = template?.spec.args.filter((a: Record<string, unknown>) => !('value' in a) && !('valueFrom' in a));
    expect(required.map((a: { name: string }) => a.name).filter((n: string) => !passed.has(n))).toEqual([]);
  });

  it('include a Flagger Canary with wavegate webhooks for each hook type', async () => {
    const [canary] = await docsOf('flagger/canary.yaml');
    expect(canary).toMatchObject({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary' });
    const hooks = canary?.spec.analysis.webhooks as Array<Record<string, any>>;
    expect(hooks.map((h) => h.type)).toEqual(['pre-rollout', 'rollout', 'confirm-promotion', 'rollback']);
    for (const hook of hooks) {
      expect(hook.url).toBe(`http://wavegate.wavegate:8080/api/v1/hooks/flagger/${hook.type}`);
      expect(hook.metadata).toMatchObject({
        templates: 'http-success-rate,http-latency,error-budget-burn',
        'args.service': 'checkout',
        'canary.app': 'checkout',
        'baseline.app': 'checkout-primary',
        interval: '1m',
        maxDuration: '30m',
      });
      // Flagger's metadata is map[string]string.
      for (const value of Object.values(hook.metadata)) expect(typeof value).toBe('string');
    }
    expect(canary?.spec.analysis.interval).toBe(hooks[0]?.metadata.interval);
  });
});
