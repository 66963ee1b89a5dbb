import { describe, expect, it } from 'vitest';
import { EXPLORE_PANE_ID, grafanaExploreUrl } from '../../../src/core/explain/grafana-link.js';

const expr = 'sum(increase(http_requests_total{service="checkout",code=~"5.."}[1m])) / ignoring(x) 2 & 3 # ?';

function panes(url: string): Record<string, { datasource?: string; queries: Array<{ refId: string; expr: string; datasource?: unknown }>; range: { from: string; to: string } }> {
  return JSON.parse(new URL(url).searchParams.get('panes')!);
}

describe('Grafana Explore links', () => {
  it('opens Explore with the exact query, data source and range in the schemaVersion 1 panes format', () => {
    const url = grafanaExploreUrl({ grafanaUrl: 'https://grafana.example.com/', datasourceUid: 'prom-main', expr, fromMs: 1000, toMs: 2000 });
    expect(url.startsWith('https://grafana.example.com/explore?schemaVersion=1&panes=')).toBe(true);
    const pane = panes(url)[EXPLORE_PANE_ID]!;
    expect(pane.queries[0]!.expr).toBe(expr);
    expect(pane.queries[0]!.refId).toBe('A');
    expect(pane.queries[0]!.datasource).toEqual({ type: 'prometheus', uid: 'prom-main' });
    expect(pane.datasource).toBe('prom-main');
    expect(pane.range).toEqual({ from: '1000', to: '2000' });
  });

  it('uses a pane id Grafana keeps (three characters, at least one letter)', () => {
    expect(EXPLORE_PANE_ID).toMatch(/^(?=.*[a-z])[a-z0-9]{3}$/);
  });

  it('leaves the data source out when none is configured, so Explore uses its default', () => {
    const pane = panes(grafanaExploreUrl({ grafanaUrl: 'https://g.example.com', expr, fromMs: 0, toMs: 1 }))[EXPLORE_PANE_ID]!;
    expect(pane.datasource).toBeUndefined();
    expect(pane.queries[0]!.datasource).toBeUndefined();
    expect(pane.queries[0]!.expr).toBe(expr);
  });
});
