/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: exact, deterministic metric
 * histories for tests. Times are epoch ms; values are what a scrape would have seen at each sample.
 *
 * Format rules that bite (https://prometheus.io/docs/specs/om/open_metrics_spec/): one `# TYPE` per
 * family and all of a family's lines contiguous; a counter family `x` has samples `x_total`; within
 * one series, timestamps ascend (promtool appends in file order); the text ends with `# EOF`.
 */

export type Labels = Record<string, string>;

export interface Point {
  /** Epoch ms. */
  t: number;
  value: number;
}

export interface HistogramPoint {
  t: number;
  /** Cumulative counts per finite upper bound, ascending; the +Inf bucket is `count`. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

export type MetricSeries =
  | { type: 'counter' | 'gauge'; family: string; sample: string; labels: Labels; points: Point[] }
  | { type: 'histogram'; family: string; labels: Labels; points: HistogramPoint[] };

/** A counter series; `name` is the sample name and must end in `_total`. */
export function counterSeries(name: string, labels: Labels, points: Point[]): MetricSeries {
  if (!name.endsWith('_total')) throw new Error(`counter sample names end in _total: ${name}`);
  return { type: 'counter', family: name.slice(0, -'_total'.length), sample: name, labels, points };
}

export function gaugeSeries(name: string, labels: Labels, points: Point[]): MetricSeries {
  return { type: 'gauge', family: name, sample: name, labels, points };
}

/** A histogram series; `name` is the family (`…_seconds`), samples are `_bucket`, `_count`, `_sum`. */
export function histogramSeries(name: string, labels: Labels, points: HistogramPoint[]): MetricSeries {
  return { type: 'histogram', family: name, labels, points };
}

/** Renders series as one OpenMetrics document, grouping each family's series together. */
export function renderOpenMetrics(series: MetricSeries[]): string {
  const families = new Map<string, MetricSeries[]>();
  for (const s of series) {
    const group = families.get(s.family) ?? [];
    if (group[0] && group[0].type !== s.type) throw new Error(`family ${s.family} is both ${group[0].type} and ${s.type}`);
    families.set(s.family, [...group, s]);
  }
  const lines: string[] = [];
  for (const [family, group] of families) {
    lines.push(`# TYPE ${family} ${group[0]?.type}`);
    for (const s of group) lines.push(...seriesLines(s));
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function seriesLines(s: MetricSeries): string[] {
  if (s.type !== 'histogram') return s.points.map((p) => line(s.sample, s.labels, p.value, p.t));
  return s.points.flatMap((p) => [
    ...p.buckets.map((b) => line(`${s.family}_bucket`, { ...s.labels, le: String(b.le) }, b.count, p.t)),
    line(`${s.family}_bucket`, { ...s.labels, le: '+Inf' }, p.count, p.t),
    line(`${s.family}_count`, s.labels, p.count, p.t),
    line(`${s.family}_sum`, s.labels, p.sum, p.t),
  ]);
}

function line(name: string, labels: Labels, value: number, t: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)} ${(t / 1000).toFixed(3)}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Sample times start, start+interval, …, ≤ end. */
export function sampleTimes(start: number, end: number, intervalMs: number): number[] {
  const times: number[] = [];
  for (let t = start; t <= end; t += intervalMs) times.push(t);
  return times;
}

/** A piecewise-constant per-second rate: each piece runs from `fromMs` (offset from the start) to the next. */
export type RatePieces = Array<{ fromMs: number; perSecond: number }>;

/** ∫ rate dt from `start` to `t` — the expected number of events, before rounding. */
export function integrate(pieces: RatePieces, start: number, t: number): number {
  let total = 0;
  pieces.forEach((piece, i) => {
    const from = start + piece.fromMs;
    const to = Math.min(t, start + (pieces[i + 1]?.fromMs ?? Number.POSITIVE_INFINITY));
    if (to > from) total += (piece.perSecond * (to - from)) / 1000;
  });
  return total;
}

/**
 * The counter a process would export: whole events so far, `floor(∫ rate)`. Deterministic and
 * monotone; the epsilon keeps 0.7 × 10 from flooring to 6.
 */
export function counterValue(pieces: RatePieces, start: number, t: number): number {
  return Math.floor(integrate(pieces, start, t) + 1e-9);
}

/** Counter points sampled at `times`, starting from 0 at `start`. */
export function counterPoints(pieces: RatePieces, start: number, times: number[]): Point[] {
  return times.map((t) => ({ t, value: counterValue(pieces, start, t) }));
}

// ---------------------------------------------------------------------------------------------
// Canary vs baseline scenario: http_requests_total{service,track,code} and
// http_request_duration_seconds{service,track,le} for each track, from traffic per time segment.

export type Track = 'canary' | 'baseline';

export interface TrafficSegment {
  /** Offset (ms) from the scenario start where the segment begins; it runs until the next one. The first is 0. */
  fromMs: number;
  /** Requests per second. */
  rps: number;
  /** Share of requests answered `code="500"` (0..1); the rest are `code="200"`. */
  errorRate: number;
  /** Share of requests per latency bucket (not cumulative): one per finite bound, then +Inf; sums to 1. Default: all in the first. */
  latencyShares?: number[];
}

export interface CanaryScenarioOptions {
  service: string;
  /** Epoch ms of the first sample; every counter is 0 there. */
  start: number;
  durationMs: number;
  /** Scrape interval of the simulated Prometheus (default 15 s). */
  intervalMs?: number;
  /** Finite histogram upper bounds in seconds, ascending (default 0.05, 0.1, 0.25, 0.5, 1). */
  buckets?: number[];
  /** A track left out exports no series at all ("no data for canary"). */
  canary?: TrafficSegment[];
  baseline?: TrafficSegment[];
}

/** What one track's exported metrics read. `requests` = 200s + 500s; `buckets` are cumulative, +Inf last. */
export interface TrackCounts {
  requests: number;
  errors: number;
  buckets: number[];
  sum: number;
}

export interface CanaryScenario {
  series: MetricSeries[];
  /** `renderOpenMetrics(series)`; to combine scenarios, render their `series` together instead. */
  openmetrics: string;
  /** Sample times: start, start+interval, …, start+duration. */
  times: number[];
  buckets: number[];
  /** Exact exported values at `t` (≥ start); undefined for a track without data. */
  countsAt(track: Track, t: number): TrackCounts | undefined;
  /** Raw events in (from, to]: countsAt(to) − countsAt(from). */
  countsBetween(track: Track, from: number, to: number): TrackCounts | undefined;
}

/**
 * Builds the scenario. Each category (200s, 500s, each latency bucket) is its own floor(∫ rate), so
 * every series is a monotone counter; with whole-number rates × shares the histogram's `_count`
 * equals `http_requests_total` exactly, otherwise they may differ by less than one per category.
 * `_sum` adds each bucket's midpoint per request (twice the last bound for +Inf).
 */
export function canaryScenario(options: CanaryScenarioOptions): CanaryScenario {
  const { service, start, durationMs } = options;
  const intervalMs = options.intervalMs ?? 15_000;
  const buckets = options.buckets ?? [0.05, 0.1, 0.25, 0.5, 1];
  const times = sampleTimes(start, start + durationMs, intervalMs);
  const tracks = new Map<Track, TrackModel>();
  for (const track of ['canary', 'baseline'] as const) {
    const segments = options[track];
    if (segments) tracks.set(track, trackModel(segments, buckets, start));
  }

  const countsAt = (track: Track, t: number) => tracks.get(track)?.countsAt(t);
  const series = [...tracks].flatMap(([track, model]) => {
    const labels = { service, track };
    const at = times.map((t) => ({ t, counts: model.countsAt(t) }));
    return [
      counterSeries('http_requests_total', { ...labels, code: '200' }, at.map(({ t, counts }) => ({ t, value: counts.requests - counts.errors }))),
      counterSeries('http_requests_total', { ...labels, code: '500' }, at.map(({ t, counts }) => ({ t, value: counts.errors }))),
      histogramSeries('http_request_duration_seconds', labels, at.map(({ t, counts }) => histogramPoint(t, buckets, counts))),
    ];
  });
  return {
    series,
    openmetrics: renderOpenMetrics(series),
    times,
    buckets,
    countsAt,
    countsBetween(track, from, to) {
      const [a, b] = [countsAt(track, from), countsAt(track, to)];
      if (!a || !b) return undefined;
      return {
        requests: b.requests - a.requests,
        errors: b.errors - a.errors,
        buckets: b.buckets.map((c, i) => c - (a.buckets[i] ?? 0)),
        sum: b.sum - a.sum,
      };
    },
  };
}

interface TrackModel {
  countsAt(t: number): TrackCounts;
}

function trackModel(segments: TrafficSegment[], buckets: number[], start: number): TrackModel {
  if (segments[0]?.fromMs !== 0) throw new Error('the first traffic segment must start at fromMs 0');
  const shares = segments.map((s) => s.latencyShares ?? [1, ...buckets.map(() => 0)]);
  shares.forEach((share) => {
    const total = share.reduce((a, b) => a + b, 0);
    if (share.length !== buckets.length + 1 || Math.abs(total - 1) > 1e-9) {
      throw new Error(`latencyShares needs ${buckets.length + 1} shares summing to 1, got [${share.join(', ')}]`);
    }
  });
  const pieces = (rate: (s: TrafficSegment, i: number) => number): RatePieces =>
    segments.map((s, i) => ({ fromMs: s.fromMs, perSecond: rate(s, i) }));
  const ok = pieces((s) => s.rps * (1 - s.errorRate));
  const errors = pieces((s) => s.rps * s.errorRate);
  const perBucket = [...buckets, Number.POSITIVE_INFINITY].map((_, b) => pieces((s, i) => s.rps * (shares[i]?.[b] ?? 0)));
  const midpoints = [...buckets.map((le, b) => (le + (buckets[b - 1] ?? 0)) / 2), 2 * (buckets.at(-1) ?? 1)];
  const latency = pieces((s, i) => s.rps * midpoints.reduce((acc, mid, b) => acc + mid * (shares[i]?.[b] ?? 0), 0));

  return {
    countsAt(t) {
      const errorCount = counterValue(errors, start, t);
      let running = 0;
      const cumulative = perBucket.map((p) => (running += counterValue(p, start, t)));
      return { requests: counterValue(ok, start, t) + errorCount, errors: errorCount, buckets: cumulative, sum: integrate(latency, start, t) };
    },
  };
}

function histogramPoint(t: number, bounds: number[], counts: TrackCounts): HistogramPoint {
  return {
    t,
    buckets: bounds.map((le, i) => ({ le, count: counts.buckets[i] ?? 0 })),
    count: counts.buckets.at(-1) ?? 0,
    sum: counts.sum,
  };
}
