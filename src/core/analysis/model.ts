/**
 * The words of an analysis, as plain data. Everything here is JSON-serialisable so that the
 * stores can keep it and a replay can rebuild every verdict from the recorded measurements.
 * Times are epoch milliseconds unless a name says otherwise.
 */

export type Verdict = 'running' | 'pass' | 'fail' | 'inconclusive';

/** Which side of the comparison a series belongs to. */
export type Scope = 'canary' | 'baseline';

/**
 * Label matchers added to every series selector of a scope: name → exact value, or a list of values
 * of which any matches (a wave of several clusters against the clusters still on the old version).
 */
export type ScopeMatchers = Record<string, string | string[]>;

export type MetricKind = 'ratio' | 'histogram' | 'burnRate' | 'threshold';

/** Which way is worse for the canary. `increase` = higher values are worse (errors, latency). */
export type Direction = 'increase' | 'decrease';

/** Settings shared by every metric kind. */
export interface MetricCommon {
  /** Unique within its template. */
  name: string;
  /** The template the metric came from. */
  template: string;
  kind: MetricKind;
  /** Weight in the 0–100 score. */
  weight: number;
  /** A failing critical metric fails the whole analysis whatever the score. */
  critical: boolean;
  /** Fewer events than this (per arm, over the analysis) can never pass: the metric stays inconclusive. */
  minEvents: number;
  direction: Direction;
  /** Free text shown in explanations, e.g. "HTTP 5xx share". */
  description?: string;
  /** Unit of the compared value, for explanations: 'ratio', 'seconds', … */
  unit?: string;
}

/** bad/total counters per scope → sequential rate comparison. Queries are already rendered. */
export interface RatioMetricSpec extends MetricCommon {
  kind: 'ratio';
  queries: Record<Scope, { bad: string; total: string }>;
  /** Relative increase the canary may have without failing (1 = none). */
  tolerance: number;
  /** Pass early once the upper confidence bound of canary/baseline is below this ratio. */
  passBelow: number;
  /** Optional absolute bound on the canary's bad share (e.g. 0.01): exceeding it with evidence fails. */
  maxRate?: number;
}

/** Latency buckets per scope. `bucketQuery` returns one series per `le`, already summed by le. */
export interface HistogramMetricSpec extends MetricCommon {
  kind: 'histogram';
  queries: Record<Scope, { buckets: string }>;
  /** Latency bounds (seconds) for the tail-exceedance tests; empty = the bucket holding the baseline's p95 in the first interval. */
  bounds: number[];
  /** Relative increase of the slow share that is tolerated. */
  tolerance: number;
  passBelow: number;
  /** Absolute quantile bounds on the canary: e.g. { quantile: 0.99, maxSeconds: 0.5 }. */
  quantileBounds: Array<{ quantile: number; maxSeconds: number }>;
  /** Also run the whole-distribution test. */
  distributionTest: boolean;
}

/** SLO burn for the canary: sequential burn test plus multi-window burn-rate rows. */
export interface BurnRateMetricSpec extends MetricCommon {
  kind: 'burnRate';
  /** Counts of the canary (bad and total) over one interval. */
  queries: { canary: { bad: string; total: string } };
  /** SLO objective as a fraction, e.g. 0.999. */
  objective: number;
  /** Burn rate the canary may not exceed (H0: burn ≤ maxBurn). */
  maxBurn: number;
  /**
   * Multi-window rows (SRE workbook) evaluated on the canary: a row fires when the canary's error ratio
   * over both windows exceeds burnRate × (1 − objective). `errorRatio` queries are rendered per window.
   */
  rows: Array<{
    longWindow: string;
    shortWindow: string;
    burnRate: number;
    queries: { long: string; short: string };
  }>;
}

/** Argo-style scalar check: conditions over `result`. */
export interface ThresholdMetricSpec extends MetricCommon {
  kind: 'threshold';
  query: string;
  successCondition?: string;
  failureCondition?: string;
  /** Failed measurements tolerated before the metric fails (Argo's failureLimit). */
  failureLimit: number;
  /** Inconclusive measurements tolerated before the metric is inconclusive. */
  inconclusiveLimit: number;
}

export type MetricSpec = RatioMetricSpec | HistogramMetricSpec | BurnRateMetricSpec | ThresholdMetricSpec;

/** Counts of one scope over one interval. Non-integer values are allowed (Prometheus extrapolates). */
export interface Counts {
  total: number;
  bad: number;
}

/** A Prometheus histogram as cumulative buckets, `le` ascending, +Inf last. */
export interface Buckets {
  le: number[];
  cumulative: number[];
}

export type MeasurementData =
  | { kind: 'ratio'; canary: Counts; baseline: Counts }
  | { kind: 'histogram'; canary: Buckets; baseline: Buckets }
  | {
      kind: 'burnRate';
      canary: Counts;
      /** Error ratio of the canary over each row's windows at the end of the interval (null = no data). */
      rows: Array<{ longWindow: string; shortWindow: string; long: number | null; short: number | null }>;
    }
  | { kind: 'threshold'; values: number[] };

/**
 * One metric's reading for one interval [start, end]. `phase` says whether it is data at all:
 * `error` (the source failed) and `nodata` (empty or NaN) never count as evidence.
 */
export interface Measurement {
  metric: string;
  template: string;
  start: number;
  end: number;
  phase: 'ok' | 'nodata' | 'error';
  data?: MeasurementData;
  error?: { code: string; message: string; retryable: boolean };
  /** Prometheus `warnings`: the answer may be partial, so it is treated as nodata. */
  warnings?: string[];
  /** The exact PromQL that ran, in order. */
  queries: string[];
}

/** What a judge found for one metric, in numbers (all fields optional across kinds). */
export interface Evidence {
  /** Events seen per scope over the analysis. */
  counts?: { canary: Counts; baseline?: Counts };
  /** Point estimates, e.g. { canaryRate, baselineRate, ratio, p99Canary }. */
  estimates?: Record<string, number | null>;
  /** Anytime-valid confidence sequence for the compared quantity (e.g. canary/baseline rate ratio). */
  interval?: { quantity: string; lower: number; upper: number; confidence: number };
  /** ln of the e-value (Bayes factor) against "canary no worse", and its threshold ln(1/α_metric). */
  logEValue?: number;
  logThreshold?: number;
  alpha?: number;
  /** Per-test breakdown for metrics that run several (bounds, quantiles, rows). */
  /** Each test behind the verdict: the mixtures with their e-value, the exact looks with a p-value against what they may spend. */
  tests?: Array<{ name: string; logEValue?: number; logThreshold?: number; pValue?: number; alpha?: number; fired: boolean; detail?: string }>;
  /** Missing pieces when inconclusive: e.g. { canaryEvents: 37 } more events needed. */
  missing?: Record<string, number>;
  measurements: { ok: number; nodata: number; error: number; consecutiveErrors: number };
  /** Why an inconclusive metric could not be decided, so explanations need not guess. */
  cause?: InconclusiveCause;
}

export type InconclusiveCause =
  /** The analysis ended before enough events arrived (see `missing`). */
  | 'missingEvents'
  /** Prometheus rejected the query or failed more times in a row than the limit allows. */
  | 'unmeasurable'
  /** Stopped through the API before a decision. */
  | 'aborted'
  /** Argo-style metric: more inconclusive measurements than `inconclusiveLimit`. */
  | 'inconclusiveLimit'
  /** Argo-style metric: a condition that cannot be parsed. */
  | 'badCondition';

export interface MetricResult {
  template: string;
  name: string;
  kind: MetricKind;
  verdict: Verdict;
  critical: boolean;
  weight: number;
  evidence: Evidence;
  /** One sentence on why, with numbers. */
  reason: string;
  /** Time (ms) of the measurement that settled this metric, or null while running. */
  decidedAt: number | null;
}

/** What the caller asked for; kept verbatim so the analysis can be replayed. */
export interface AnalysisRequest {
  key?: string;
  templates: string[];
  args: Record<string, string>;
  scopes: Record<Scope, ScopeMatchers>;
  startTime: number;
  endTime?: number;
  intervalMs: number;
  maxDurationMs: number;
  /** Total false-fail budget of the analysis, split across metrics. */
  alpha: number;
  /** Where the request came from, for the audit trail (api, argo, flagger:<hook>). */
  source?: string;
}

export interface Analysis {
  id: string;
  key: string | null;
  request: AnalysisRequest;
  /** Metric specs as rendered when the analysis started, so template edits do not change a running analysis. */
  specs: MetricSpec[];
  mode: 'live' | 'retrospective';
  verdict: Verdict;
  score: number | null;
  startedAt: number;
  decidedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** End of the last interval measured; the next tick measures (lastTickEnd, lastTickEnd + interval]. */
  lastTickEnd: number;
  metrics: MetricResult[];
  measurements: Measurement[];
  abort?: { at: number; reason: string; by?: string };
  /**
   * Per ratio metric (`template/name`): the baseline's counts per interval over the three hours
   * before the analysis started, read once at its first tick — how bursty the service's errors are without a
   * canary, for the dispersion guard. Absent until read; a metric whose history could not be read
   * has none (the guard then learns from the analysis alone).
   */
  baselineHistory?: Record<string, Counts[]>;
  /** Optimistic-concurrency counter, bumped by every stored write. */
  revision: number;
}
