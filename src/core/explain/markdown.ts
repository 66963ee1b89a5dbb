import { readableIso } from './format-time.js';
import type { Explanation, MetricExplanation } from './types.js';

/**
 * An explanation as Markdown (for PR comments, chat, the API's text/markdown): the headline as the
 * title, a table of all metrics, then one section per metric with its numbers, tests, the PromQL in
 * ```promql fences and Grafana links. Table cells are escaped; PromQL is never altered.
 */
export function renderMarkdown(e: Explanation): string {
  const out: string[] = [`# ${e.headline}`, ''];
  const facts = [
    `**Verdict:** ${e.verdict}`,
    `**Score:** ${e.score ?? 'none'}`,
    `**Deciding metric:** ${e.decidingMetric ? code(e.decidingMetric) : 'none yet'}`,
    `**Measured:** ${e.timeRange.text}`,
    ...(e.decidedAt ? [`**Decided at:** ${readableIso(e.decidedAt)}`] : []),
  ];
  out.push(facts.join(' · '), '');
  if (e.abort) out.push(`**Aborted**${e.abort.by ? ` by ${e.abort.by}` : ''}${e.abort.at ? ` at ${readableIso(e.abort.at)}` : ''}: ${e.abort.reason}`, '');
  if (e.links.analysis) out.push(`[Analysis](${e.links.analysis}) · [Explanation as JSON](${e.links.explanation})`, '');

  out.push('## Score', '', e.scoring.summary, '');
  out.push('## Metrics', '', '| metric | kind | verdict | critical | weight | canary | baseline | interval | evidence |', '|---|---|---|---|---|---|---|---|---|');
  for (const m of e.metrics) {
    const cell = (key: string) => cellText(m.table.find((r) => r.key === key)?.value ?? '—');
    const evidence = m.table.some((r) => r.key === 'eValue') ? `${cell('eValue')} / ${cell('threshold')}` : '—';
    out.push(`| ${code(m.id)} | ${m.kind} | ${verdictMark(m)} | ${m.critical ? 'yes' : 'no'} | ${m.weight} | ${cell('canary')} | ${cell('baseline')} | ${cell('interval')} | ${evidence} |`);
  }
  out.push('');
  for (const m of e.metrics) out.push(...metricSection(m));
  return `${out.join('\n').trimEnd()}\n`;
}

function metricSection(m: MetricExplanation): string[] {
  const out = [`## ${code(m.id)}: ${m.verdict.toUpperCase()}`, ''];
  out.push(`${m.kind}, ${m.critical ? 'critical' : 'not critical'}, weight ${m.weight}${m.decidedAt ? `, decided at ${readableIso(m.decidedAt)}` : ''}`, '');
  out.push(capitalise(m.summary), '');
  if (m.reason !== m.summary) out.push(`> Judge: ${m.reason}`, '');
  out.push('| | |', '|---|---|', ...m.table.map((r) => `| ${cellText(r.label)} | ${cellText(r.value)} |`), '');
  if (m.tests.length) {
    out.push('**Tests**', '');
    for (const t of m.tests) {
      const parts = [t.evidence, t.detail].filter((p): p is string => !!p).join('; ');
      out.push(`- ${t.fired ? '❌ **fired**' : '✅ held'}: ${t.name}${parts ? ` — ${parts}` : ''}`);
    }
    out.push('');
  }
  if (m.missing) out.push(`**Missing:** ${m.missing}`, '');
  if (m.errors.length) {
    out.push('**Measurement errors**', '', ...m.errors.map((x) => `- ${x.count} × ${code(x.code)}: ${x.message}${x.retryable ? '' : ' (not retryable)'}${x.lastAt ? `, last at ${readableIso(x.lastAt)}` : ''}`), '');
  }
  if (m.warnings.length) out.push('**Prometheus warnings**', '', ...m.warnings.map((w) => `- ${w}`), '');
  if (m.queries.length) {
    out.push('**PromQL**', '');
    for (const q of m.queries) {
      out.push(`${q.role}${q.source === 'measurement' ? ' (recorded on the measurements)' : ''}${q.grafanaUrl ? ` — [open in Grafana](${q.grafanaUrl})` : ''}:`, '');
      const fence = q.promql.includes('```') ? '````' : '```';
      out.push(`${fence}promql`, q.promql, fence, '');
    }
  }
  return out;
}

function verdictMark(m: MetricExplanation): string {
  const marks = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive', running: '⏳ running' } as const;
  return marks[m.verdict];
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

/** A table cell: pipes escaped and line breaks flattened, so a value can never break the table. */
function cellText(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
