/**
 * The port through which the core reads metrics. The core owns this shape; `src/adapters/prometheus/`
 * implements it over the Prometheus HTTP API. Times are epoch milliseconds.
 *
 * Two outcomes must never be confused, because "no data is never a pass":
 * - **An answer** (the promise resolves): Prometheus evaluated the query. `series: []` means the
 *   selectors matched nothing at that time — no traffic, wrong labels, or a scope that does not
 *   exist yet. It is *nodata*, not zero. A sample whose `value` is NaN (e.g. 0/0 on an idle scope)
 *   is nodata too; ±Inf is kept as Prometheus returned it. Non-empty `warnings` mean Prometheus says
 *   the answer may be partial (e.g. a remote store did not answer), so the series may be incomplete.
 * - **A failure** (the promise rejects): nothing was measured. The error is a `MetricsError` subclass
 *   from `src/errors/metrics-errors.ts`; its `retryable` flag says whether asking again may help
 *   (unavailable, bad response) or not (a rejected query is a template error). Adapters retry
 *   transient failures a bounded number of times before rejecting, and never turn a failure into an
 *   empty answer. A caller's own abort (`signal`) rejects with `signal.reason` instead.
 *
 * Deliberately left out: label-name/metadata APIs, native histograms, exemplars, streaming.
 */

/** One series at one evaluation time. */
export interface Sample {
  /** The series' labels as returned (including `__name__` when the query keeps it). Scalars have none. */
  labels: Record<string, string>;
  /** May be NaN or ±Infinity, exactly as Prometheus returned it. */
  value: number;
}

export interface QueryResult {
  /** Every series present at the evaluation time; empty = nothing matched (nodata, not zero). */
  series: Sample[];
  /** Prometheus' warnings; non-empty means the data may be partial. */
  warnings: string[];
}

/** One evaluation time of a range query. */
export type RangeStep = { at: number } & QueryResult;

export interface MetricsSource {
  /**
   * Evaluate PromQL at `at` (epoch ms). Resolves with the series present at that time (possibly
   * none). Throws a MetricsError subclass; never returns partial data silently (warnings are
   * returned).
   */
  instant(query: string, at: number, signal?: AbortSignal): Promise<QueryResult>;

  /**
   * Evaluate at start, start+step, …, end (ms; the last time is the largest one ≤ end). Returns one
   * entry per evaluation time, in order, with the series present at that time — an entry with
   * `series: []` is a time with no data. Each entry's `warnings` are the warnings of the whole query.
   * Throws like `instant`.
   */
  range(query: string, start: number, end: number, stepMs: number, signal?: AbortSignal): Promise<RangeStep[]>;
}
