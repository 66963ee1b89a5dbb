import { prepareIntervals, type IntervalCounts } from './interval-counts.js';
import { preparedLogRatioEstimate } from './rate-ratio-estimate.js';
import { lnGammaQ, normalDensity, normalQuantile } from './special.js';

/**
 * Overdispersion of bad events (retries, one bad pod, bursts): the conditional binomial test counts
 * every bad request as an independent trial, but when errors come in clusters of size S the unit of
 * independence is the cluster, and the log-likelihood overstates the evidence by φ ≈ E[S²]/E[S].
 * Quasi-likelihood divides it back out: exp(ℓ/φ) is exactly a martingale under the null for clusters
 * of a fixed size S = φ (each cluster is one Bernoulli(θ0) trial). Dividing ℓ by φ is the same as
 * dividing every bad count by φ, which is what `temper` does — so the mixture, its threshold and the
 * confidence sequence all stay as they are. φ is estimated from the data (below), so the guarantee
 * becomes approximate; the detection benchmark measures it (docs/judgment.md).
 */

/** A Pearson dispersion estimate: φ = max(1, X²/df), and how surprising X² would be without clustering. */
export interface DispersionEstimate {
  phi: number;
  df: number;
  /** P(χ²_df ≥ X²): small when the counts swing more than independent events can (1 when df = 0). */
  pValue: number;
}

const NONE: DispersionEstimate = { phi: 1, df: 0, pValue: 1 };

function estimate(x2: number, df: number): DispersionEstimate {
  if (df <= 0) return NONE;
  return { phi: Math.max(1, x2 / df), df, pValue: Math.exp(lnGammaQ(df / 2, x2 / 2)) };
}

/**
 * φ when the estimate is significant at `level`, else 1. Under independent events X²/df scatters
 * around 1, and max(1, ·) alone would divide the evidence by ≈ 1.2–1.5 in every healthy analysis
 * (a minute or two on a 2× regression); clustered errors push X² far past its 99% point — the hour
 * before an analysis gives the baseline's estimate 60 degrees of freedom — so the gate keeps the
 * correction where it is needed. A 10% gate fired on one healthy analysis in ten and cost the final
 * look its power there; 1% left every overdispersed scenario where it was (docs/judgment.md,
 * experiment `horizon`).
 */
export function significantPhi(e: DispersionEstimate, level = 0.01): number {
  return e.pValue < level ? e.phi : 1;
}

/**
 * Pearson dispersion of the canary's share of bad events around the fitted ratio, conditional on each
 * interval's total: X²/(k − 1) over the k intervals with bad events. Clustered errors make the split
 * swing more than binomially; with k < 2 nothing can be said (φ = 1).
 */
export function splitDispersion(intervals: readonly IntervalCounts[]): DispersionEstimate {
  const p = prepareIntervals(intervals);
  const k = p.m.length;
  if (k < 2) return NONE;
  const s = preparedLogRatioEstimate(p);
  const r = Math.exp(Math.max(-7, Math.min(7, Number.isNaN(s) ? 0 : s)));
  let x2 = 0;
  for (let i = 0; i < k; i++) {
    const nB = p.nB[i]!;
    const theta = (r * nB) / (p.nA[i]! + r * nB);
    const m = p.m[i]!;
    const v = m * theta * (1 - theta);
    if (v > 0) x2 += (p.xB[i]! - m * theta) ** 2 / v;
  }
  return estimate(x2, k - 1);
}

/**
 * Pearson dispersion of one arm's bad counts over time around a moving rate (±`halfWindow`
 * intervals, so that a slow drift in the error rate is not taken for bursts). Under independent
 * errors x_i ~ Binomial(n_i, p_i) it is ≈ 1; clusters of size S inflate it to ≈ E[S²]/E[S]. The
 * baseline's counts carry no information about the canary/baseline split, so estimating φ from them
 * does not bias the conditional test. It also reads a swing of both arms' rates together (an
 * incident in a shared dependency) as dispersion, which the conditional test does not need — the
 * safe side: evidence is discounted, never inflated. Needs 3 intervals.
 *
 * `robust` (for the hours before an analysis, which may hold an incident): the moving rate is the
 * median of the neighbours' rates, and the largest 3% of the intervals' contributions to X², at most
 * two, are left out (the rest rescaled by what that trimming removes from independent χ²₁ terms), so
 * one or two bad minutes cannot blind the whole analysis, while clusters that recur keep their weight
 * and the mild, even overdispersion of extrapolated counts is still measured.
 */
export function temporalDispersion(counts: ReadonlyArray<{ n: number; x: number }>, opts: { halfWindow?: number; robust?: boolean } = {}): DispersionEstimate {
  const halfWindow = opts.halfWindow ?? 5;
  const usable = counts.filter((c) => c.n > 0 && Number.isFinite(c.n) && Number.isFinite(c.x) && c.x >= 0);
  if (usable.length < 3) return NONE;
  const contributions: number[] = [];
  usable.forEach((c, i) => {
    const neighbours = usable.slice(Math.max(0, i - halfWindow), i).concat(usable.slice(i + 1, i + 1 + halfWindow));
    const n = neighbours.reduce((a, b) => a + b.n, 0);
    const p = opts.robust ? median(neighbours.map((b) => b.x / b.n)) : n > 0 ? neighbours.reduce((a, b) => a + b.x, 0) / n : 0;
    const expected = c.n * p;
    // The moving rate is itself estimated from the neighbours: x − n·p̂ has variance
    // n·p(1−p)·(1 + k·n/N_neighbours), k = 1 for the pooled rate and ≈ π/2 for the median, and
    // leaving the second term out would read ~10% dispersion into independent errors.
    const v = expected * (1 - p) * (1 + (n > 0 ? ((opts.robust ? Math.PI / 2 : 1) * c.n) / n : 0));
    if (v > 0) contributions.push((c.x - expected) ** 2 / v);
  });
  if (contributions.length < 3) return NONE;
  if (!opts.robust) return estimate(contributions.reduce((a, b) => a + b, 0), contributions.length);
  return trimmedEstimate(contributions);
}

/**
 * Share of the largest contributions a robust estimate leaves out, and at most how many: enough for
 * one or two incident minutes, and no more — over three hours 3% would be five intervals, and
 * cutting that many of the largest terms reads recurring bursts as milder than they are (bad-pod
 * bursts: 0.80% false rollbacks against 0.45% with two; docs/judgment.md, fourth run).
 */
const TRIM = 0.03;
const MAX_TRIMMED = 2;

/**
 * X²/df without the largest 3% of the terms (at most two), divided by the mean that trimming leaves of independent χ²₁
 * terms: E[X | X below its (1−t) quantile] = 1 − 2[z·ϕ(z) + 1 − Φ(z)] / (1 − t) with z the normal
 * (1 − t/2) quantile, so independent errors still read φ ≈ 1.
 */
function trimmedEstimate(contributions: readonly number[]): DispersionEstimate {
  const n = contributions.length;
  const k = Math.min(MAX_TRIMMED, Math.max(1, Math.round(TRIM * n)));
  if (n - k < 3) return NONE;
  const kept = [...contributions].sort((a, b) => a - b).slice(0, n - k);
  const t = k / n;
  const z = normalQuantile(1 - t / 2);
  const keptMean = (1 - 2 * (z * normalDensity(z) + t / 2)) / (1 - t);
  const x2 = kept.reduce((a, b) => a + b, 0) / keptMean;
  return estimate((x2 * n) / (n - k), n);
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Divides every bad count by φ (≥ 1): the quasi-likelihood correction, in the data. */
export function temper(intervals: readonly IntervalCounts[], phi: number): IntervalCounts[] {
  if (!(phi > 1)) return [...intervals];
  return intervals.map((iv) => ({ nA: iv.nA, nB: iv.nB, xA: iv.xA / phi, xB: iv.xB / phi }));
}
