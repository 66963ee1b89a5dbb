import { keyValues, wrap } from './text-layout.js';
import { readableIso } from './format-time.js';
import type { Explanation, MetricExplanation } from './types.js';

/**
 * An explanation as plain text, for terminals and pagers that show no Markdown: no markup at all,
 * aligned `key: value` lines, at most 100 columns except for PromQL and links, which stay whole.
 */
export function renderText(e: Explanation): string {
  const out: string[] = [...wrap(e.headline), ''];
  const summary: Array<[string, string]> = [
    ['verdict', e.verdict],
    ['score', e.score === null ? 'none' : String(e.score)],
    ['deciding metric', e.decidingMetric ?? 'none yet'],
    ['measured', e.timeRange.text],
  ];
  if (e.decidedAt) summary.push(['decided at', readableIso(e.decidedAt)]);
  if (e.abort) summary.push(['aborted', `${e.abort.by ? `by ${e.abort.by} ` : ''}${e.abort.at ? `at ${readableIso(e.abort.at)}` : ''}: ${e.abort.reason}`]);
  if (e.links.analysis) summary.push(['analysis', e.links.analysis]);
  out.push(...keyValues(summary), '', 'SCORE', ...wrap(e.scoring.summary, '  '), '', 'METRICS');
  out.push(...keyValues(e.metrics.map((m) => [m.id, `${m.verdict.toUpperCase()}, ${m.kind}${m.critical ? ', critical' : ''}, weight ${m.weight}`] as const), '  '), '');
  for (const m of e.metrics) out.push(...metricBlock(m), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function metricBlock(m: MetricExplanation): string[] {
  const out = [`${m.id}: ${m.verdict.toUpperCase()} (${m.kind}${m.critical ? ', critical' : ''}, weight ${m.weight})`];
  out.push(...wrap(m.summary, '  '));
  const rows: Array<[string, string]> = m.table.map((r) => [r.label, r.value]);
  if (m.decidedAt) rows.push(['decided at', readableIso(m.decidedAt)]);
  if (m.missing) rows.push(['missing', m.missing]);
  rows.push(['judge', m.reason]);
  out.push(...keyValues(rows, '  '));
  if (m.tests.length) {
    out.push('  tests:');
    for (const t of m.tests) {
      const parts = [t.evidence, t.detail].filter((p): p is string => !!p).join('; ');
      out.push(...wrap(`${t.fired ? 'FIRED' : 'held '} ${t.name}${parts ? ` (${parts})` : ''}`, '    '));
    }
  }
  if (m.errors.length) {
    out.push('  measurement errors:');
    for (const x of m.errors) {
      const last = x.lastAt ? `, last at ${readableIso(x.lastAt)}` : '';
      out.push(...wrap(`${x.count} x ${x.code}: ${x.message}${x.retryable ? '' : ' (not retryable)'}${last}`, '    '));
    }
  }
  if (m.warnings.length) out.push('  prometheus warnings:', ...m.warnings.flatMap((w) => wrap(w, '    ')));
  if (m.queries.length) {
    out.push('  promql:');
    for (const q of m.queries) {
      out.push(`    ${q.role}${q.source === 'measurement' ? ' (recorded on the measurements)' : ''}:`);
      out.push(...q.promql.split(/\r?\n/).map((line) => `      ${line}`));
      if (q.grafanaUrl) out.push(`      grafana: ${q.grafanaUrl}`);
    }
  }
  return out;
}
