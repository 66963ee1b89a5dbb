import type { QueryResult } from '../core/analysis/metrics-source.js';
import type { Buckets, Counts, Measurement, MeasurementData, MetricSpec } from '../core/analysis/model.js';
import { WavegateError } from '../errors/wavegate-error.js';

/** Answers one PromQL query for the end of the interval being measured. */
export type QueryLookup = (query: string) => Promise<QueryResult>;

/** Marks a reading that is not data (empty where a value was required, NaN, ±Inf, warnings). */
class NoData extends Error {}

/**
 * Takes one metric's Measurement for the interval (start, end]. Every failure becomes part of the
 * measurement — `error` when Prometheus failed, `nodata` when it answered with nothing usable —
 * so the judge sees it and it can never turn into a pass.
 */
export async function measureMetric(spec: MetricSpec, start: number, end: number, lookup: QueryLookup): Promise<Measurement> {
  const queries: string[] = [];
  const warnings: string[] = [];
  const run = async (q: string) => {
    queries.push(q);
    const r = await lookup(q);
    warnings.push(...r.warnings);
    return r;
  };
  const base = { metric: spec.name, template: spec.template, start, end };
  try {
    const data = await readData(spec, run);
    if (warnings.length > 0) return { ...base, phase: 'nodata', warnings, queries };
    return { ...base, phase: 'ok', data, queries };
  } catch (err) {
    if (err instanceof NoData) return { ...base, phase: 'nodata', queries, ...(warnings.length ? { warnings } : {}), error: { code: 'NO_DATA', message: err.message, retryable: true } };
    const e = err instanceof WavegateError ? err : null;
    return {
      ...base,
      phase: 'error',
      queries,
      error: { code: e?.code ?? 'MEASUREMENT_FAILED', message: (err as Error).message, retryable: e?.retryable ?? true },
    };
  }
}

async function readData(spec: MetricSpec, run: (q: string) => Promise<QueryResult>): Promise<MeasurementData> {
  switch (spec.kind) {
    case 'ratio': {
      const canary = await readCounts(spec.queries.canary, run, 'canary');
      const baseline = await readCounts(spec.queries.baseline, run, 'baseline');
      return { kind: 'ratio', canary, baseline };
    }
    case 'histogram': {
      const canary = readBuckets(await run(spec.queries.canary.buckets), 'canary');
      const baseline = readBuckets(await run(spec.queries.baseline.buckets), 'baseline');
      return { kind: 'histogram', canary, baseline };
    }
    case 'burnRate': {
      const canary = await readCounts(spec.queries.canary, run, 'canary');
      const rows = [];
      for (const row of spec.rows) {
        rows.push({ longWindow: row.longWindow, shortWindow: row.shortWindow, long: optionalScalar(await run(row.queries.long)), short: optionalScalar(await run(row.queries.short)) });
      }
      return { kind: 'burnRate', canary, rows };
    }
    case 'threshold': {
      const r = await run(spec.query);
      const values = r.series.map((s) => s.value);
      if (values.length === 0) throw new NoData('the query returned no series');
      if (values.every((v) => Number.isNaN(v))) throw new NoData('the query returned NaN');
      return { kind: 'threshold', values };
    }
  }
}

/**
 * An empty answer to the `bad` query is zero bad events (no 5xx series exist when nothing failed); an
 * empty `total` means the scope served nothing or is not scraped — no data.
 */
async function readCounts(q: { bad: string; total: string }, run: (q: string) => Promise<QueryResult>, scope: string): Promise<Counts> {
  const total = sumSeries(await run(q.total), `${scope} total`, false);
  const bad = sumSeries(await run(q.bad), `${scope} bad`, true);
  return { total, bad };
}

function sumSeries(r: QueryResult, what: string, emptyIsZero: boolean): number {
  if (r.series.length === 0) {
    if (emptyIsZero) return 0;
    throw new NoData(`no series for ${what}`);
  }
  let sum = 0;
  for (const s of r.series) {
    if (!Number.isFinite(s.value)) throw new NoData(`${what} is ${s.value}`);
    sum += s.value;
  }
  return sum;
}

function optionalScalar(r: QueryResult): number | null {
  const v = r.series[0]?.value;
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** Series with an `le` label, summed per bound and sorted; +Inf must be present to know the total. */
function readBuckets(r: QueryResult, scope: string): Buckets {
  const byLe = new Map<number, number>();
  for (const s of r.series) {
    const raw = s.labels.le;
    if (raw === undefined) throw new NoData(`${scope} histogram series without an le label`);
    const le = raw === '+Inf' ? Infinity : Number(raw);
    if (Number.isNaN(le)) throw new NoData(`${scope} histogram le="${raw}" is not a number`);
    if (!Number.isFinite(s.value)) throw new NoData(`${scope} histogram bucket le="${raw}" is ${s.value}`);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  if (byLe.size === 0) throw new NoData(`no ${scope} histogram buckets`);
  if (!byLe.has(Infinity)) throw new NoData(`${scope} histogram has no le="+Inf" bucket`);
  const le = [...byLe.keys()].sort((a, b) => a - b);
  return { le, cumulative: le.map((b) => byLe.get(b)!) };
}

/** Every PromQL string a spec runs per tick, for batching replays into range queries. */
export function queriesOf(spec: MetricSpec): string[] {
  switch (spec.kind) {
    case 'ratio':
      return [spec.queries.canary.total, spec.queries.canary.bad, spec.queries.baseline.total, spec.queries.baseline.bad];
    case 'histogram':
      return [spec.queries.canary.buckets, spec.queries.baseline.buckets];
    case 'burnRate':
      return [spec.queries.canary.total, spec.queries.canary.bad, ...spec.rows.flatMap((r) => [r.queries.long, r.queries.short])];
    case 'threshold':
      return [spec.query];
  }
}
