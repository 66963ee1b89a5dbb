import type { Evidence } from '../analysis/model.js';
import { significantPhi, splitDispersion, temper, temporalDispersion } from '../stats/dispersion.js';
import { isInformative } from '../stats/interval-counts.js';
import { rateRatioConfidenceSequence, rateRatioLogE, REGRESSION_GRID, type IntervalCounts } from '../stats/rate-ratio.js';
import { rateRatioLooks, type RateRatioLook, SPENDING, type SpendingFunction } from '../stats/rate-ratio-looks.js';
import { logThreshold } from './alpha.js';
import { sumIntervals } from './interval-counts.js';
import { formatEvents, formatPValue, safeRate } from './judgement.js';

/**
 * The sequential comparison of the canary's bad-event rate with the baseline's (STATISTICS.md, the
 * changing-split mixture): it is valid while the traffic split moves between intervals, so one
 * analysis can follow Flagger or Argo Rollouts through their weight steps.
 */
export interface RateComparison {
  /** The mixture crossed its threshold, or an exact look rejected: the canary's rate is above tolerance × baseline. */
  fired: boolean;
  logEValue: number;
  logThreshold: number;
  /** The exact looks with error spending (null when the analysis's looks are not planned and this is not its end). */
  look: (RateRatioLook & { looks: number | null }) | null;
  /** Anytime-valid (1−α) interval for canary rate / baseline rate. */
  lower: number;
  upper: number;
  ratio: number | null;
  canaryRate: number | null;
  baselineRate: number | null;
  totals: IntervalCounts;
  /** The dispersion φ the evidence was divided by (1 = independent bad events). */
  dispersion: number;
  /**
   * The evidence crossed its threshold but came from fewer than MIN_INFORMATIVE_INTERVALS intervals
   * and no precise history measured the dispersion, so it may be one burst: not a fail yet, and never
   * a pass.
   */
  heldBack: boolean;
}

export interface RateComparisonOptions {
  /** The test's whole α: the mixture gets (1 − EXACT_LOOKS_SHARE) of it, the exact looks the rest. */
  alpha: number;
  /** Null hypothesis: ratio ≤ tolerance. */
  tolerance: number;
  /** The analysis's planned last tick: the exact look may spend what is left of its α. */
  final?: boolean;
  /** Ticks planned for the whole analysis: the exact looks spend α over them. Without it they look at the end only. */
  plannedLooks?: number;
  /** The baseline's counts per interval before the analysis started, oldest first (dispersion, and whether one interval may fail). */
  history?: ReadonlyArray<{ n: number; x: number }>;
}

/**
 * Share of the test's α spent on the exact looks (rate-ratio-looks.ts), which reach the verdict of a
 * 2× regression three minutes before the anytime-valid mixture does. The mixture keeps the rest: the
 * e-value the dashboards chart stays a test of its own, and it judges comparisons made without
 * planned looks. All of α on the looks was measured too (experiment `spending`, fifth run): 0.6–3.6
 * points more power on the small regressions, but the error test's false rollbacks on bursty
 * bad-pod canaries, the guarantee's thinnest margin, rose from 0.78% to 0.88%.
 */
const EXACT_LOOKS_SHARE = 0.8;

/**
 * Bad events must have been seen in this many intervals before the test may fire, unless the history
 * before the analysis is precise: one interval cannot show its own dispersion, and a burst inside it
 * would otherwise count as independent evidence. A precise history has measured the dispersion
 * already, so there the evidence of the first interval is tempered like any other.
 */
export const MIN_INFORMATIVE_INTERVALS = 2;

/** The largest φ the guard applies; at it the errors are too bursty to judge (ratio-judge.ts). */
export const MAX_DISPERSION = 50;

/** Intervals of history from which its dispersion is precise enough to use as measured. */
const PRECISE_HISTORY = 30;

/**
 * Overdispersion guard (docs/statistics.md, "Bursts"): the evidence is divided by φ, the largest of
 * three Pearson dispersions — the canary/baseline split's, the baseline's burstiness during the
 * analysis, and its burstiness over the hours before (`history`, so it is known from the first tick).
 * The first two rest on a few intervals and count only where significant (dispersion.ts,
 * `significantPhi`). A precise history holds enough intervals to be used as measured — which also
 * catches the mild overdispersion of Prometheus' extrapolated counts (`increase()` over a window
 * holding fewer scrapes than it spans: ≈ 4/3 for 1m at 15 s), too mild for a gate to notice — and
 * is estimated robustly, so an incident in those hours cannot blind the analysis. Each source stands
 * alone: a quiet history does not dilute bursts seen during the analysis.
 */
export function dispersionOf(intervals: readonly IntervalCounts[], history: ReadonlyArray<{ n: number; x: number }> = [], gate = DISPERSION_GATE): number {
  return combinedDispersion(intervals, historyDispersion(history, gate), gate);
}

/** The significance level at which the dispersion seen in few intervals counts (dispersion.ts). */
const DISPERSION_GATE = 0.01;

/**
 * φ now, or the largest φ an earlier prefix of the analysis showed where that was beyond doubt
 * (significant at STICKY_GATE): once a burst has been seen its discount stays. Re-estimated on more
 * intervals the burst's weight thins out, and evidence re-tempered by the smaller φ would count the
 * burst's own bad events as independent again — which is how bad-pod bursts failed healthy
 * canaries at the later exact looks (docs/judgment.md, fourth run). Only a strict gate may stick:
 * over the many prefixes of a healthy analysis a 1% gate fires somewhere in one run in ten.
 */
function combinedDispersion(intervals: readonly IntervalCounts[], history: HistoryDispersion, gate: number): number {
  const during = (ivs: readonly IntervalCounts[], level: number) => dispersionDuring(ivs, level, !history.precise);
  let phi = Math.max(1, history.phi, during(intervals, gate));
  for (let k = 2; k < intervals.length && phi < MAX_DISPERSION; k++) phi = Math.max(phi, during(intervals.slice(0, k), STICKY_GATE));
  return Math.min(MAX_DISPERSION, phi);
}

/** The significance at which a burst seen earlier in the analysis keeps its discount. */
const STICKY_GATE = 0.001;

/**
 * The split's dispersion over these intervals and, without a precise history to say how bursty the
 * baseline is, the baseline's own — each only where significant. With a precise history the
 * baseline's few intervals during the analysis add nothing but noise: its moving-rate residuals
 * over a handful of intervals are correlated, so their X² is further out in the tail than χ² says
 * (a 0.1% gate fired in 2.3% of healthy analyses at some prefix), while a burst in either arm still
 * shows in the split.
 */
function dispersionDuring(intervals: readonly IntervalCounts[], gate: number, withBaseline: boolean): number {
  const split = significantPhi(splitDispersion(intervals), gate);
  if (!withBaseline) return split;
  return Math.max(split, significantPhi(temporalDispersion(intervals.map((iv) => ({ n: iv.nA, x: iv.xA }))), gate));
}

interface HistoryDispersion {
  phi: number;
  /** Enough intervals to use φ as measured, and to let one interval fail the canary. */
  precise: boolean;
  /** The history's bad events come in bursts (its dispersion is significant at the gate). */
  bursty: boolean;
}

/** The robust dispersion of the history: as measured when it is precise, else only where significant. */
function historyDispersion(history: ReadonlyArray<{ n: number; x: number }>, gate: number): HistoryDispersion {
  const e = temporalDispersion(history, { robust: true });
  const precise = e.df >= PRECISE_HISTORY;
  return { phi: precise ? e.phi : significantPhi(e, gate), precise, bursty: e.pValue < gate };
}

/**
 * The exact looks' spending for an analysis with this history: the first look's allowance
 * (rate-ratio-looks.ts) only where one interval can be trusted — a precise history whose bad events
 * do not come in bursts. Bursts are not a fixed-size cluster: a bad pod's bursts, of sizes spread
 * around 20, have a far heavier tail than tempering by φ assumes, and with the allowance one such
 * burst in the canary's first minute failed healthy canaries a third more often (bad-pod scenario,
 * error test alone at its α of 0.45%: 1.05% of 4,000 runs against 0.78–0.88% without; experiment
 * `spending`). The history is read before the analysis starts, so the spending is fixed before any look.
 */
export function spendingFor(history: ReadonlyArray<{ n: number; x: number }>): SpendingFunction {
  return spendingAfter(historyDispersion(history, DISPERSION_GATE));
}

function spendingAfter(past: HistoryDispersion): SpendingFunction {
  return past.precise && !past.bursty ? SPENDING : { ...SPENDING, firstLook: 0 };
}

export function compareRates(intervals: readonly IntervalCounts[], opts: RateComparisonOptions): RateComparison {
  const totals = sumIntervals(intervals);
  const past = historyDispersion(opts.history ?? [], DISPERSION_GATE);
  const phi = combinedDispersion(intervals, past, DISPERSION_GATE);
  const tempered = temper(intervals, phi);
  const mixtureAlpha = opts.alpha * (1 - EXACT_LOOKS_SHARE);
  const logE = rateRatioLogE(tempered, { rNull: opts.tolerance, grid: REGRESSION_GRID });
  const threshold = logThreshold(mixtureAlpha);
  const cs = rateRatioConfidenceSequence(tempered, opts.alpha);
  const informative = intervals.filter(isInformative).length;
  const needed = past.precise ? 1 : MIN_INFORMATIVE_INTERVALS;
  const look = opts.plannedLooks !== undefined || opts.final ? exactLooks(intervals, phi, opts, spendingAfter(past)) : null;
  const crossed = logE >= threshold || (look?.rejected ?? false);
  return {
    fired: crossed && informative >= needed,
    heldBack: crossed && informative < needed,
    look,
    dispersion: phi,
    logEValue: logE,
    logThreshold: threshold,
    lower: cs.lower,
    upper: cs.upper,
    ratio: Number.isFinite(cs.estimate) ? cs.estimate : null,
    canaryRate: safeRate(totals.xB, totals.nB),
    baselineRate: safeRate(totals.xA, totals.nA),
    totals,
  };
}

function exactLooks(intervals: readonly IntervalCounts[], phi: number, opts: RateComparisonOptions, spending: SpendingFunction) {
  const looks = opts.plannedLooks ?? null;
  const schedule = { looks: looks ?? Infinity, final: opts.final ?? false };
  return { ...rateRatioLooks(intervals, { rNull: opts.tolerance, phi, alpha: opts.alpha * EXACT_LOOKS_SHARE, schedule, spending }), looks };
}

type TestRow = NonNullable<Evidence['tests']>[number];

/**
 * A comparison as evidence rows: the sequential mixture (e-value against its threshold) and the
 * exact looks (the latest look's p-value against what it may spend, not an e-value).
 */
export function comparisonRows(cmp: RateComparison, row: { claim: string; prefix?: string; detail?: string; noun?: string }): TestRow[] {
  const { claim, prefix = '', detail, noun = 'bad events' } = row;
  const rows: TestRow[] = [{ name: `${prefix}${claim}`, logEValue: cmp.logEValue, logThreshold: cmp.logThreshold, fired: cmp.fired && cmp.logEValue >= cmp.logThreshold, ...(detail ? { detail } : {}) }];
  const look = cmp.look;
  if (look) {
    rows.push({
      name: `exact looks: ${claim} (α spent over the planned looks)`,
      fired: cmp.fired && look.rejected,
      pValue: look.pValue,
      alpha: look.alpha,
      detail: `${lookName(look)}: ${formatEvents(look.observed)} canary ${noun}, ${formatEvents(look.expected)} expected; p = ${formatPValue(look.pValue)} ${look.rejected ? '≤' : '>'} ${formatPValue(look.alpha)}`,
    });
  }
  return rows;
}


/** "look 7 of 15", "the final look" when the looks were not planned, "no look yet" before any interval. */
export function lookName(look: { look: number; looks: number | null }): string {
  if (look.look === 0) return 'no look yet';
  return look.looks === null ? 'the final look' : `look ${look.look} of ${look.looks}`;
}

/** Events still missing before either arm reaches `minEvents` requests (empty when enough). */
export function missingEvents(totals: IntervalCounts, minEvents: number): Record<string, number> {
  const missing: Record<string, number> = {};
  if (totals.nB < minEvents) missing.canaryEvents = Math.ceil(minEvents - totals.nB);
  if (totals.nA < minEvents) missing.baselineEvents = Math.ceil(minEvents - totals.nA);
  return missing;
}
