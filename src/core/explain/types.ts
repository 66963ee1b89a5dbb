import type { Counts, MetricKind, Verdict } from '../analysis/model.js';
import type { ValueUnit } from './format-number.js';

/**
 * Why an analysis has its verdict, as plain JSON (no Infinity, no undefined values): the API sends it
 * as is and the renderers turn it into Markdown or terminal text. Sentences are final wording; numbers
 * are kept beside them for machines. Times are ISO 8601 UTC.
 */
export interface Explanation {
  analysisId: string;
  verdict: Verdict;
  score: number | null;
  /** One sentence: verdict, the metric it is about, canary vs baseline with units, how sure, counts, range. */
  headline: string;
  /** `template/name` of the metric that decided the verdict (combineVerdict's choice); null while running. */
  decidingMetric: string | null;
  /** The metric the headline is about: the deciding one, or while running the one closest to deciding. */
  headlineMetric: string | null;
  /** What was actually measured: from the start to the end of the last measured interval. */
  timeRange: { start: string; end: string; durationMs: number; text: string };
  decidedAt: string | null;
  scoring: ScoreExplanation;
  metrics: MetricExplanation[];
  abort: { at: string | null; by: string | null; reason: string } | null;
  links: { analysis: string | null; explanation: string | null };
}

export interface MetricExplanation {
  /** `template/name`. */
  id: string;
  template: string;
  name: string;
  kind: MetricKind;
  /** The template's words for the metric, or its name made readable. */
  label: string;
  verdict: Verdict;
  critical: boolean;
  weight: number;
  /** The judge's own one-line reason, verbatim. */
  reason: string;
  /** The explanation's sentence for this metric (the headline's body when it leads). */
  summary: string;
  decidedAt: string | null;
  values: MetricValues;
  /** `values` as label/value rows, ready to print. */
  table: Array<{ key: string; label: string; value: string }>;
  tests: TestExplanation[];
  /** What an inconclusive or waiting metric still needs, in words; null when nothing is missing. */
  missing: string | null;
  /** Failed measurements grouped by error, most frequent first. */
  errors: Array<{ code: string; message: string; retryable: boolean; count: number; lastAt: string | null }>;
  /** Prometheus warnings that turned answers into no-data (partial results). */
  warnings: string[];
  queries: QueryExplanation[];
}

/** Numbers behind a metric's verdict; null = not available (or, for an interval end, unbounded). */
export interface MetricValues {
  unit: ValueUnit;
  /** What `canary` and `baseline` measure, e.g. "error rate", "p99 latency", "error-budget burn". */
  quantity: string;
  canary: number | null;
  baseline: number | null;
  ratio: number | null;
  interval: { quantity: string; lower: number | null; upper: number | null; confidence: number } | null;
  /** Natural logs, as the judges keep them; e-value = e^logEValue, threshold = e^logThreshold = 1/α. */
  logEValue: number | null;
  logThreshold: number | null;
  alpha: number | null;
  counts: { canary: Counts | null; baseline: Counts | null };
  measurements: { ok: number; nodata: number; error: number; consecutiveErrors: number };
}

export interface TestExplanation {
  name: string;
  fired: boolean;
  /** "e-value 412 ≥ 300" when the test has an e-value; "p-value 0.0004 ≤ α 0.0018" for an exact look. */
  evidence: string | null;
  detail: string | null;
}

export interface QueryExplanation {
  /** Which series the query reads, e.g. "canary bad", "baseline buckets", "row 14.4× long window (1h)". */
  role: string;
  promql: string;
  /** `template`: rendered into the metric spec; `measurement`: recorded as run and not identical to a template query. */
  source: 'template' | 'measurement';
  /** Grafana Explore on this query over the analysed range; null without a configured Grafana. */
  grafanaUrl: string | null;
}

export interface ScoreExplanation {
  score: number | null;
  passScore: number;
  marginalScore: number;
  /** Answers "why is my score N" in one or two sentences. */
  summary: string;
  metrics: Array<{ id: string; verdict: Verdict; weight: number; critical: boolean; counted: boolean }>;
}

export interface ExplanationOptions {
  /** Base URL of Grafana, e.g. https://grafana.example.com; links are left out without it. */
  grafanaUrl?: string;
  /** Uid of the Prometheus data source in Grafana; without it Explore opens its default one. */
  grafanaDatasource?: string;
  /** Public base URL of this service, for links back to the analysis. */
  baseUrl?: string;
}
