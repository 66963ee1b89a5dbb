import { describe, expect, it } from 'vitest';
import { buildExplanation } from '../../../src/core/explain/explanation.js';
import { renderMarkdown } from '../../../src/core/explain/markdown.js';
import { renderText } from '../../../src/core/explain/text.js';
import { ALL_FIXTURES, failedRatio, measurementErrors, ratioSpec } from './fixtures.js';

const OPTS = { grafanaUrl: 'https://grafana.example.com', grafanaDatasource: 'prom-main', baseUrl: 'https://wavegate.example.com' };
const GARBAGE = ['undefined', 'NaN', '[object Object]', 'null'];

describe('rendering an explanation', () => {
  for (const [name, make] of Object.entries(ALL_FIXTURES)) {
    it(`prints no undefined, NaN, null or [object Object] for the ${name} analysis, with and without Grafana`, () => {
      for (const opts of [OPTS, {}]) {
        const e = buildExplanation(make(), opts);
        for (const out of [renderMarkdown(e), renderText(e), e.headline, ...e.metrics.map((m) => m.summary), e.scoring.summary]) {
          for (const word of GARBAGE) expect(out, `${name}: ${word}`).not.toContain(word);
        }
      }
    });
  }

  it('as Markdown puts the headline first as a heading, then a metrics table', () => {
    const e = buildExplanation(failedRatio(), OPTS);
    const md = renderMarkdown(e);
    expect(md.split('\n')[0]).toBe(`# ${e.headline}`);
    expect(md).toContain('| metric | kind | verdict | critical | weight | canary | baseline | interval | evidence |');
    expect(md).toContain('| `http-errors/error-rate` | ratio | ❌ fail | yes | 1 | 1.10% | 0.50% | 1.60×–3.10× | 412 / 300 |');
  });

  it('as Markdown fences every query as promql, verbatim, with its Grafana link', () => {
    const e = buildExplanation(failedRatio(), OPTS);
    const md = renderMarkdown(e);
    for (const q of [ratioSpec.queries.canary.bad, ratioSpec.queries.canary.total, ratioSpec.queries.baseline.bad, ratioSpec.queries.baseline.total]) {
      expect(md).toContain(`\`\`\`promql\n${q}\n\`\`\``);
    }
    for (const q of e.metrics[0]!.queries) expect(md).toContain(`[open in Grafana](${q.grafanaUrl})`);
  });

  it('as Markdown has no Grafana links when Grafana is not configured', () => {
    expect(renderMarkdown(buildExplanation(failedRatio(), {}))).not.toContain('grafana');
  });

  it('as Markdown lists measurement errors and the queries recorded as run', () => {
    const md = renderMarkdown(buildExplanation(measurementErrors(), OPTS));
    expect(md).toContain('- 5 × `METRICS_UNAVAILABLE`: Prometheus answered 503 (service unavailable), last at 2024-03-05 03:08 UTC');
    expect(md).toContain('as run (recorded on the measurements)');
  });

  it('as plain text uses no Markdown syntax', () => {
    for (const [name, make] of Object.entries(ALL_FIXTURES)) {
      const text = renderText(buildExplanation(make(), {}));
      expect(text, name).not.toMatch(/^#|```|\*\*|\|\s*---|^\s*[-*] |\]\(/m);
    }
  });

  it('as plain text stays within 100 columns except for whole PromQL queries and links', () => {
    for (const [name, make] of Object.entries(ALL_FIXTURES)) {
      const e = buildExplanation(make(), OPTS);
      const unbreakable = new Set(e.metrics.flatMap((m) => m.queries.flatMap((q) => [q.promql, `grafana: ${q.grafanaUrl}`])));
      for (const line of renderText(e).split('\n')) {
        if (line.length > 100) expect(unbreakable.has(line.trim()), `${name}: ${line}`).toBe(true);
      }
    }
  });

  it('as plain text aligns the values of key: value lines', () => {
    const text = renderText(buildExplanation(failedRatio(), {}));
    const block = text.split('\n').filter((l) => /^(verdict|score|deciding metric|measured|decided at):/.test(l));
    expect(block).toHaveLength(5);
    const columns = block.map((l) => l.search(/:\s+\S/) + l.slice(l.indexOf(':') + 1).search(/\S/) + 1);
    expect(new Set(columns).size).toBe(1);
    expect(text).toContain('deciding metric: http-errors/error-rate');
  });

  it('as plain text prints each query on its own line, verbatim', () => {
    const lines = renderText(buildExplanation(failedRatio(), OPTS)).split('\n').map((l) => l.trim());
    expect(lines).toContain(ratioSpec.queries.canary.bad);
    expect(lines.some((l) => l.startsWith('grafana: https://grafana.example.com/explore?schemaVersion=1&panes='))).toBe(true);
  });
});
