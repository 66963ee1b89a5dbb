/**
 * Anytime-valid confidence sequence for the canary/baseline rate ratio: the set of r whose
 * two-sided grid-mixture e-value M_t(r) stays below 1/α. For each fixed r, M_t(r) is a
 * nonnegative martingale under "ratio = r", so P(M_t(r_true) ≥ 1/α for some t) ≤ α (Ville): the
 * set covers the true ratio at every check simultaneously (Howard et al., "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 2021).
 *
 * Finding the ends. Work in s = ln r. The MLE ŝ has M(ŝ) ≤ 1 (every likelihood ratio against ŝ
 * is ≤ 1), so it is inside the set. Split M = U + D into the terms with g < 1 (U) and g > 1 (D).
 * Because ln L is concave in s, each U-term is nondecreasing and each D-term nonincreasing in s.
 * Hence every s with U(s) ≥ 1/α is outside (M ≥ U) and so is everything beyond it: the first such
 * point found by doubling steps is a guaranteed outside bracket. Between ŝ and that bracket M is
 * not provably monotone, so we bisect for the crossing and then scan the rest of the bracket;
 * if the scan finds M < 1/α further out, we bisect again from there. The reported interval is
 * therefore the hull of the set up to the scan's resolution, never narrower than the set where
 * it matters.
 *
 * No bad events in an arm: if the canary has none, small ratios cannot be excluded (lower = 0);
 * if the baseline has none, large ones cannot (upper = +∞); with none at all, [0, +∞).
 */
import { type IntervalCounts, type PreparedIntervals, prepareIntervals } from './interval-counts.js';
import { preparedLogRatioEstimate } from './rate-ratio-estimate.js';
import { preparedMixtureLogE } from './rate-ratio-mixture.js';
import { DEFAULT_ONE_SIDED_GRID, type RatioGrid, twoSidedGrid } from './ratio-grid.js';

export interface RateRatioInterval {
  lower: number;
  upper: number;
  /** Conditional MLE of the ratio (see rateRatioEstimate); NaN with no bad events at all. */
  estimate: number;
}

/** |ln r| beyond which an end is reported as 0 or +∞ (r ≈ e^±50 ≈ 10^±22 carries no meaning). */
const S_LIMIT = 50;
/** Bisection stops at this bracket width in ln r (1e-7 relative in r, finer than any explanation prints). */
const S_TOLERANCE = 1e-7;
const SCAN_POINTS = 8;

interface SideSearch {
  /** ln e-value of the two-sided mixture against ratio e^s. */
  logE: (s: number) => number;
  /** ln of the half of the mixture that grows toward this side (U for the upper end). */
  growingHalf: (s: number) => number;
  threshold: number;
}

function bisect(f: (s: number) => number, threshold: number, inside: number, outside: number): number {
  let a = inside;
  let b = outside;
  while (Math.abs(b - a) > S_TOLERANCE) {
    const mid = (a + b) / 2;
    if (f(mid) < threshold) a = mid;
    else b = mid;
  }
  return b;
}

/**
 * The outermost crossing in direction `dir` (+1 upper, −1 lower), starting from an inside point.
 * Returns ±S_LIMIT·dir when the set reaches that far (reported as 0 or +∞).
 */
function findEnd(side: SideSearch, inside: number, dir: 1 | -1): number {
  let step = 0.5;
  let outside = inside + dir * step;
  while (side.growingHalf(outside) < side.threshold) {
    if (Math.abs(outside) >= S_LIMIT) return dir * Infinity;
    step *= 2;
    outside = Math.max(-S_LIMIT, Math.min(S_LIMIT, inside + dir * step));
  }
  let end = bisect(side.logE, side.threshold, inside, outside);
  // Scan beyond the crossing for pockets where M dips back below 1/α (see file comment).
  for (let k = SCAN_POINTS; k >= 1; k--) {
    const s = end + ((outside - end) * k) / (SCAN_POINTS + 1);
    if (side.logE(s) < side.threshold) {
      end = bisect(side.logE, side.threshold, s, outside);
      break;
    }
  }
  return end;
}

/** A point with M < 1/α when the MLE is at ±∞: walk toward the infinite side (M → 1 there). */
function insidePoint(side: SideSearch, p: PreparedIntervals, estimate: number): number {
  if (Number.isFinite(estimate)) return estimate;
  const dir = estimate > 0 ? 1 : -1;
  // Start at the pooled ratio with half an event added to each arm, then step outward.
  const nA = p.nA.reduce((s, v) => s + v, 0);
  const nB = p.nB.reduce((s, v) => s + v, 0);
  let s = Math.log((p.totalB + 0.5) / nB / ((p.totalA + 0.5) / nA));
  let step = 1;
  while (side.logE(s) >= side.threshold && Math.abs(s) < S_LIMIT) {
    s += dir * step;
    step *= 2;
  }
  return s;
}

function halfMixture(grid: RatioGrid, below: boolean): RatioGrid {
  const ratios: number[] = [];
  const weights: number[] = [];
  grid.ratios.forEach((g, j) => {
    if (below ? g < 1 : g > 1) {
      ratios.push(g);
      weights.push(grid.weights[j] as number);
    }
  });
  return { ratios, weights };
}

/**
 * The (1−α) anytime-valid confidence sequence for r = canary rate / baseline rate, from the
 * two-sided version of `grid` (default DEFAULT_ONE_SIDED_GRID). Each call is a fresh look at all
 * the data; intersecting successive results is also valid (the coverage holds at every look at
 * once) and never wider. Throws RangeError unless 0 < α < 1.
 */
export function rateRatioConfidenceSequence(
  intervals: readonly IntervalCounts[],
  alpha: number,
  opts: { grid?: RatioGrid } = {},
): RateRatioInterval {
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`confidence sequence: α must be in (0, 1), got ${alpha}`);
  }
  const p = prepareIntervals(intervals);
  const grid = twoSidedGrid(opts.grid ?? DEFAULT_ONE_SIDED_GRID);
  const sHat = preparedLogRatioEstimate(p);
  const estimate = Math.exp(sHat);
  if (Number.isNaN(sHat)) return { lower: 0, upper: Infinity, estimate: NaN };
  const threshold = -Math.log(alpha);
  const logE = (s: number): number => preparedMixtureLogE(p, Math.exp(s), grid);
  const below = halfMixture(grid, true);
  const above = halfMixture(grid, false);
  const half = (g: RatioGrid) => (s: number) => preparedMixtureLogE(p, Math.exp(s), g);
  const upperSide: SideSearch = { logE, threshold, growingHalf: half(below) };
  const lowerSide: SideSearch = { logE, threshold, growingHalf: half(above) };
  const upper = p.totalA <= 0 ? Infinity : Math.exp(findEnd(upperSide, insidePoint(upperSide, p, sHat), 1));
  const lower = p.totalB <= 0 ? 0 : Math.exp(findEnd(lowerSide, insidePoint(lowerSide, p, sHat), -1));
  return { lower, upper, estimate };
}
