import type { Evidence, Verdict } from '../analysis/model.js';

/** What every metric judge is told besides its measurements. */
export interface JudgeContext {
  /** This metric's share of the analysis's false-fail budget. */
  alpha: number;
  /** True on the last tick: a metric still running must settle now (pass or inconclusive). */
  final: boolean;
  /** Ticks planned for the whole analysis (its exact looks spend α over them); unknown = look at the end only. */
  plannedTicks?: number;
  consecutiveErrorLimit: number;
  /**
   * The baseline's counts per interval before the analysis started, oldest first (ratio metrics):
   * what the service's errors looked like without a canary, for the dispersion estimate.
   */
  history?: ReadonlyArray<{ total: number; bad: number }>;
}

/** A metric judge's answer for the measurements so far. */
export interface MetricJudgement {
  verdict: Verdict;
  evidence: Evidence;
  reason: string;
}

/** Formats a ratio like 1.23× for reasons; keeps infinities readable. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return r > 0 ? '∞' : '-∞';
  return `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`;
}

/** Formats a share (0..1) as a percent with enough digits for small error rates. */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return 'n/a';
  const pct = p * 100;
  const digits = pct === 0 ? 0 : pct < 0.1 ? 3 : pct < 1 ? 2 : pct < 10 ? 2 : 1;
  return `${pct.toFixed(digits)}%`;
}

/** A p-value or α for reasons: two significant digits, exponent notation below 0.001. */
export function formatPValue(p: number): string {
  return p >= 0.001 ? p.toPrecision(2) : p.toExponential(1);
}

/** An event count that may be fractional (extrapolated or tempered): whole from 100 up. */
export function formatEvents(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

export function safeRate(bad: number, total: number): number | null {
  return total > 0 ? bad / total : null;
}
