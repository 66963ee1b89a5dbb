import { describe, expect, it } from 'vitest';
import { loadTemplates, renderMetrics } from '../../src/templates/index.js';
import { InvalidScopeError } from '../../src/errors/template-errors.js';

describe('scope lists (a wave of several clusters)', () => {
  it('render as an anchored alternation of literally escaped values', async () => {
    const { templates } = await loadTemplates('analysis-templates');
    const [spec] = renderMetrics(templates, {
      templates: ['http-success-rate'],
      args: { service: 'payments' },
      scopes: { canary: { cluster: ['eu-west-1a', 'eu.west|x'] }, baseline: { cluster: ['us-east-1a'] } },
      intervalMs: 60_000,
    });
    if (spec?.kind !== 'ratio') throw new Error('expected a ratio metric');
    expect(spec.queries.canary.total).toBe('sum(increase(http_requests_total{service="payments", cluster=~"eu-west-1a|eu\\\\.west\\\\|x"}[60s]))');
    expect(spec.queries.baseline.total).toBe('sum(increase(http_requests_total{service="payments", cluster="us-east-1a"}[60s]))');
  });

  it('refuse empty lists and empty values, naming the element', async () => {
    const { templates } = await loadTemplates('analysis-templates');
    const render = (canary: Record<string, string | string[]>) => () => renderMetrics(templates, { templates: ['http-success-rate'], args: { service: 'p' }, scopes: { canary, baseline: {} }, intervalMs: 60_000 });
    expect(render({ cluster: [] })).toThrow(InvalidScopeError);
    expect(render({ cluster: ['a', ''] })).toThrow(/scopes\.canary\.cluster\[1\]/);
  });
});
