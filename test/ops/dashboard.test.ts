import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis, Measurement, MetricResult } from '../../src/core/analysis/model.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/metrics.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';
import { exportedSeriesNames, metricNamesIn, read, substituteGrafanaVariables } from './ops-helpers.js';

type Panel = Record<string, any>;
type Target = Panel & { panel: string };
const dashboard = JSON.parse(read('grafana/wavegate-analysis.json')) as Record<string, any>;
const panels = dashboard.panels as Panel[];
const queryPanels = panels.filter((p) => p.type !== 'row' && p.type !== 'text');
const targets: Target[] = queryPanels.flatMap((p) => (p.targets as Panel[]).map((t) => ({ ...t, panel: p.title as string })));
const variables = dashboard.templating.list as Panel[];
const variable = (name: string) => variables.find((v) => v.name === name);

describe('grafana/wavegate-analysis.json', () => {
  it('is a Grafana dashboard of schemaVersion 39 or later with a stable uid', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toBe('wavegate-analysis');
    expect(dashboard.title).toMatch(/wavegate/);
    expect(dashboard.id).toBeNull(); // importable into any Grafana
    expect(panels.length).toBeGreaterThan(10);
  });

  it('takes Prometheus as a ${datasource} variable, used by every panel and query', () => {
    expect(variable('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of queryPanels) expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const t of targets) expect(t.datasource, t.panel).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const v of variables.filter((x) => x.type === 'query')) expect(v.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    // no datasource is pinned anywhere else (a uid from someone's Grafana would break the import)
    const uids = [...JSON.stringify(dashboard).matchAll(/"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(uids)).toEqual(new Set(['${datasource}', '-- Grafana --', 'wavegate-analysis']));
  });

  it('has template and metric variables from label_values of wavegate_metric_verdicts_total', () => {
    const template = variable('template')!;
    const metric = variable('metric')!;
    expect(template.query.query).toBe('label_values(wavegate_metric_verdicts_total, template)');
    expect(metric.query.query).toBe('label_values(wavegate_metric_verdicts_total{template=~"$template"}, metric)');
    for (const v of [template, metric]) expect(v).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
  });

  it('defines every variable its queries, links and text use', () => {
    const defined = new Set(variables.map((v) => v.name as string));
    const used = new Set<string>();
    for (const m of JSON.stringify(dashboard).matchAll(/\$\{([A-Za-z0-9_]+)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) used.add((m[1] ?? m[2])!);
    const builtIn = /^__/;
    expect([...used].filter((u) => !defined.has(u) && !builtIn.test(u))).toEqual([]);
  });

  it('queries only metrics that src/telemetry/metrics.ts exports, and charts every one of them', async () => {
    const { all, wavegate } = await exportedSeriesNames();
    const unknown = targets.flatMap((t) => metricNamesIn(t.expr as string).filter((n) => !all.has(n)).map((n) => `${t.panel}: ${n}`));
    expect(unknown).toEqual([]);
    const referenced = new Set(targets.flatMap((t) => metricNamesIn(t.expr as string)));
    const base = (n: string) => n.replace(/_(bucket|sum|count)$/, '');
    const charted = new Set([...referenced].flatMap((n) => [n, base(n)]));
    expect(wavegate.filter((n) => !charted.has(n))).toEqual([]);
  });

  it('filters the per-template panels by $template and $metric', () => {
    for (const t of targets) {
      const expr = t.expr as string;
      if (/wavegate_(metric_verdicts_total|metric_log_evidence|measurements_total)/.test(expr)) {
        for (const m of expr.matchAll(/wavegate_(?:metric_verdicts_total|metric_log_evidence(?:_threshold)?|measurements_total)(\{[^}]*\})?/g)) {
          expect(m[1] ?? '', `${t.panel}: ${expr}`).toMatch(/template=~"\$template", metric=~"\$metric"/);
        }
      }
    }
  });

  it('has the panels on-call needs', () => {
    const titles = panels.map((p) => p.title as string);
    const text = panels.find((p) => p.type === 'text')!;
    expect(text.options.content).toContain('/api/v1/analyses/:id/explanation');
    const find = (re: RegExp) => {
      const hit = queryPanels.filter((p) => re.test(p.title));
      expect(hit.length, `a panel titled like ${re} (have: ${titles.join(' | ')})`).toBeGreaterThan(0);
      return hit[0]!;
    };
    expect(JSON.stringify(find(/Metric verdicts/).targets)).toMatch(/sum by \(template, metric, verdict\)/);
    expect(find(/Score quantiles/).targets.map((t: Panel) => t.expr).join()).toContain('histogram_quantile(0.5, sum by (le) (rate(wavegate_analysis_score_bucket');
    expect(find(/Score distribution/)).toMatchObject({ type: 'heatmap', options: { calculate: false } });
    const evidence = find(/Evidence against/);
    expect(evidence.targets.map((t: Panel) => t.expr).join()).toContain('ln(vector(1 / $alpha))');
    expect(evidence.description).toMatch(/ln\(1\/α\)/);
    expect(evidence.description).toMatch(/4\.6/);
    expect(evidence.description).toMatch(/6\.9/);
    expect(JSON.stringify(find(/Measurements by phase/).targets)).toContain('phase');
    const latency = find(/query latency/).targets.map((t: Panel) => t.expr).join('\n');
    expect(latency).toMatch(/histogram_quantile\(0\.5, sum by \(le, outcome\)/);
    expect(latency).toMatch(/histogram_quantile\(0\.99, sum by \(le, outcome\)/);
    find(/Tick duration/);
    find(/Active analyses/);
    expect(JSON.stringify(find(/Errors by code/).targets)).toContain('sum by (code)');
  });

  it('lays panels out on the 24-column grid without overlaps, with unique ids', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const key = `${x},${y}`;
          expect(cells.get(key), `${p.title} overlaps ${cells.get(key)}`).toBeUndefined();
          cells.set(key, p.title);
        }
      }
    }
  });

  it('gives every query a legend and every panel a description', () => {
    for (const t of targets) expect(t.legendFormat, t.panel).toBeTruthy();
    for (const p of queryPanels) expect((p.description ?? '').length, p.title).toBeGreaterThan(30);
  });
});

describe('every dashboard query on a real Prometheus scraping real wavegate telemetry', () => {
  let prometheus: RunningPrometheus;
  let server: Server;
  let telemetry: Telemetry;

  const metric = (template: string, name: string, verdict: MetricResult['verdict'], logEValue?: number): MetricResult =>
    ({
      template,
      name,
      kind: 'ratio',
      verdict,
      critical: true,
      weight: 1,
      evidence: { ...(logEValue === undefined ? {} : { logEValue, logThreshold: 5.3, estimates: { dispersion: 1.4 } }), measurements: { ok: 1, nodata: 0, error: 0, consecutiveErrors: 0 } },
      reason: 'test',
      decidedAt: verdict === 'running' ? null : 1,
    }) as MetricResult;
  const analysis = (id: string, verdict: Analysis['verdict'], score: number | null, metrics: MetricResult[]): Analysis =>
    ({ id, mode: 'live', verdict, score, metrics }) as unknown as Analysis;
  const measurement = (template: string, name: string, phase: Measurement['phase']): Measurement =>
    ({ template, metric: name, phase, start: 0, end: 1, queries: [], ...(phase === 'error' ? { error: { code: 'PROMETHEUS_UNAVAILABLE', message: 'down', retryable: true } } : {}) }) as Measurement;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    telemetry = createTelemetry(new Registry(), { defaultMetrics: true });
    server = createServer((req, res) => {
      void telemetry.registry.metrics().then((text) => res.writeHead(200, { 'content-type': telemetry.registry.contentType }).end(text));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    prometheus = await startPrometheus({ scrapeTargets: [`127.0.0.1:${port}`], scrapeInterval: '1s' });

    // Two analyses start and take measurements...
    const a1 = analysis('a1', 'running', null, [metric('http-success-rate', 'error-rate', 'running', 0.4), metric('http-latency', 'p99', 'running', -0.2)]);
    const a2 = analysis('a2', 'running', null, [metric('http-success-rate', 'error-rate', 'running', 1.1)]);
    telemetry.recordChange(null, a1, [measurement('http-success-rate', 'error-rate', 'ok'), measurement('http-latency', 'p99', 'nodata')]);
    telemetry.recordChange(null, a2, [measurement('http-success-rate', 'error-rate', 'error')]);
    telemetry.observeQuery(0.02, 'ok');
    telemetry.observeQuery(1.5, 'error');
    telemetry.observeTick(0.08);
    telemetry.observeHttp('POST', '/api/v1/hooks/argo', 200, 0.004);
    await sleep(2500);
    // ...then decide: a1 passes, a2 fails with its evidence above ln(1/α).
    telemetry.recordChange(a1, analysis('a1', 'pass', 100, [metric('http-success-rate', 'error-rate', 'pass', -1.3), metric('http-latency', 'p99', 'pass', -0.7)]), [
      measurement('http-success-rate', 'error-rate', 'ok'),
      measurement('http-latency', 'p99', 'ok'),
    ]);
    telemetry.recordChange(a2, analysis('a2', 'fail', 0, [metric('http-success-rate', 'error-rate', 'fail', 6.2)]), [measurement('http-success-rate', 'error-rate', 'ok')]);
    telemetry.observeQuery(0.03, 'ok');
    telemetry.observeTick(0.12);
    telemetry.countError('TEMPLATE_NOT_FOUND');
    await sleep(3000);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((r) => server?.close(r));
  });

  const run = async (expr: string) => {
    const query = substituteGrafanaVariables(expr, { __rate_interval: '1m', __interval: '1m', __range: '5m', template: '.*', metric: '.*', alpha: '0.01' });
    const res = await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query, time: String(Date.now() / 1000) }) });
    return { query, body: (await res.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } } };
  };

  it('runs every panel query without error and with data', async () => {
    const failures: string[] = [];
    for (const t of targets) {
      const { query, body } = await run(t.expr as string);
      if (body.status !== 'success') failures.push(`${t.panel}: ${body.error} — ${query}`);
      else if (!body.data!.result.length) failures.push(`${t.panel}: no data — ${query}`);
    }
    expect(failures).toEqual([]);
  });

  it('runs the variable queries: templates and metrics that reached a verdict', async () => {
    const res = await fetch(`${prometheus.url}/api/v1/label/template/values?${new URLSearchParams({ 'match[]': 'wavegate_metric_verdicts_total' })}`);
    expect(((await res.json()) as { data: string[] }).data).toEqual(['http-latency', 'http-success-rate']);
    const res2 = await fetch(`${prometheus.url}/api/v1/label/metric/values?${new URLSearchParams({ 'match[]': 'wavegate_metric_verdicts_total{template=~"http-success-rate"}' })}`);
    expect(((await res2.json()) as { data: string[] }).data).toEqual(['error-rate']);
  });

  it('shows the numbers the telemetry recorded', async () => {
    const expr = (title: RegExp, i = 0) => queryPanels.find((p) => title.test(p.title))!.targets[i].expr as string;
    const values = async (e: string): Promise<Array<Record<string, any>>> => (await run(e)).body.data!.result.map((r) => ({ ...r.metric, value: Number(r.value[1]) }));

    const mix = await values(expr(/Verdict mix per metric/));
    expect(mix).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ template: 'http-success-rate', metric: 'error-rate', verdict: 'fail' }),
        expect.objectContaining({ template: 'http-latency', metric: 'p99', verdict: 'pass' }),
      ]),
    );
    const evidence = await values(expr(/Evidence now/));
    expect(evidence.find((r) => r['metric'] === 'error-rate')!.value).toBeCloseTo(6.2);
    const threshold = await values(expr(/Evidence against/, 1));
    expect(threshold[0]!.value).toBeCloseTo(Math.log(100), 6);
    expect((await values(expr(/^Active analyses$/)))[0]!.value).toBe(0); // both decided
    const phases = await values('sum by (phase) (wavegate_measurements_total)');
    expect(Object.fromEntries(phases.map((p) => [p['phase'], p.value]))).toEqual({ ok: 4, nodata: 1, error: 1 });
  });
});
