import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { createTelemetry } from '../../src/telemetry/metrics.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const read = (relative: string): string => readFileSync(join(ROOT, relative), 'utf8');

/**
 * The environment variables wavegate reads: the keys of `ConfigSchema` in src/config.ts, parsed from
 * the source so a new variable shows up here without anyone remembering to list it.
 */
export function configVariables(): string[] {
  const source = read('src/config.ts');
  const start = source.indexOf('const ConfigSchema = z.object({');
  const end = source.indexOf('\n});', start);
  if (start < 0 || end < 0) throw new Error('src/config.ts: ConfigSchema = z.object({ ... }) not found');
  const names = [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
  if (names.length < 10) throw new Error(`src/config.ts: only ${names.length} variables found; did the schema's shape change?`);
  return names;
}

/**
 * Every series name wavegate's /metrics can expose: counters and gauges by name, histograms and
 * summaries by their `_bucket`/`_sum`/`_count` series (plus the quantile series of a summary).
 */
export async function exportedSeriesNames(): Promise<{ all: Set<string>; wavegate: string[] }> {
  const telemetry = createTelemetry(new Registry(), { defaultMetrics: true });
  const metrics = await telemetry.registry.getMetricsAsJSON();
  const all = new Set<string>();
  for (const m of metrics) {
    const type = m.type as unknown as string; // prom-client's typings say enum, the values are strings
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) all.add(m.name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) all.add(m.name + s);
    else all.add(m.name);
  }
  const wavegate = metrics.map((m) => m.name).filter((n) => n.startsWith('wavegate_') && !n.startsWith('wavegate_process_'));
  return { all, wavegate };
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/**
 * The metric names a PromQL expression selects (Grafana variables allowed): identifiers that are
 * not functions, keywords, label names, or inside strings, label matchers or range brackets.
 */
export function metricNamesIn(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, ' 1 ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  s = s.replace(/(?<![\w.:])\d[\w.]*(?:[eE][-+]?\d+)?/g, ' '); // numbers and durations
  const names: string[] = [];
  for (const m of s.matchAll(/(?<![\w:])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    if (m[2]) continue; // a function call
    if (PROMQL_KEYWORDS.has(m[1]!.toLowerCase())) continue;
    names.push(m[1]!);
  }
  return names;
}

/** Grafana variables replaced by values a real Prometheus accepts, for running dashboard queries. */
export function substituteGrafanaVariables(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    if (!(name in vars)) throw new Error(`no test value for Grafana variable $${name} in ${expr}`);
    return vars[name]!;
  });
}
