/**
 * The two-sample Mann-Whitney U test with the interval and estimate of the location shift that
 * Kayenta computes (spinnaker/kayenta kayenta-mannwhitney MannWhitney.scala, a port of R's
 * `wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)`):
 *
 *   z(μ) = (W(μ) − n_x n_y / 2 − ½·sign(…)) / σ,   W(μ) = Σ ranks of (x − μ) in (x − μ) ∪ y − n_x(n_x + 1)/2,
 *   σ² = n_x n_y / 12 · [(n + 1) − Σ_ties (t³ − t) / (n (n − 1))],  n = n_x + n_y.
 *
 * z falls (stepwise) as μ grows. The (1 − a) interval is [μ: z(μ) = z_{1−a/2}, μ: z(μ) = −z_{1−a/2}],
 * searched on [min x − max y, max x − min y] (an end is clamped to that range when z never reaches
 * the quantile inside it), and the Hodges-Lehmann-type estimate is the root of z(μ) = 0.
 *
 * Kayenta finds the roots with Brent's method at an absolute tolerance of 1e-4, which is coarse for
 * series such as error ratios (~1e-3); we locate the jump of the step function exactly instead —
 * the value Kayenta's search approximates.
 */
import { normalQuantile } from '../../../src/core/stats/special.js';

export interface ShiftInterval {
  lower: number;
  upper: number;
  estimate: number;
}

export class AllTiedError extends Error {}

/** Average ranks (1-based) with ties sharing their mean rank; also Σ (t³ − t) over tie groups. */
function ranks(values: readonly number[]): { rank: Float64Array; tieTerm: number } {
  const order = values.map((v, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const rank = new Float64Array(values.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) rank[order[k]!] = avg;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { rank, tieTerm };
}

/** Kayenta's wilcoxonDiff: z(μ) − q. Throws AllTiedError when σ = 0. */
export function wilcoxonDiff(mu: number, q: number, x: readonly number[], y: readonly number[]): number {
  const nx = x.length;
  const ny = y.length;
  const n = nx + ny;
  const { rank, tieTerm } = ranks([...x.map((v) => v - mu), ...y]);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += rank[i] as number;
  const dz = rx - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const correction = Math.sign(dz) * 0.5;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) throw new AllTiedError('cannot compute confidence interval when all observations are tied');
  return (dz - correction) / sigma - q;
}

/**
 * The μ where the nonincreasing step function f crosses from > 0 to ≤ 0 within [lo, hi], with
 * Kayenta's clamping (f(lo) ≤ 0 → lo, f(hi) ≥ 0 → hi). f only jumps at the pairwise differences
 * x_i − y_j, so the crossing is one of them: binary search over the sorted differences, testing f
 * between neighbours, finds exactly the point bisection would converge to.
 */
function root(f: (mu: number) => number, lo: number, hi: number, jumps: readonly number[]): number {
  if (f(lo) <= 0) return lo;
  if (f(hi) >= 0) return hi;
  // The smallest k whose right-hand interval has f ≤ 0 (f(hi) < 0 here, so one exists).
  let a = 0;
  let b = jumps.length - 1;
  const right = (k: number) => (k + 1 < jumps.length ? ((jumps[k] as number) + (jumps[k + 1] as number)) / 2 : hi);
  while (a < b) {
    const mid = (a + b) >> 1;
    if (f(right(mid)) > 0) a = mid + 1;
    else b = mid;
  }
  return jumps[a] as number;
}

function sortedDifferences(x: readonly number[], y: readonly number[]): number[] {
  const d: number[] = [];
  for (const a of x) for (const b of y) d.push(a - b);
  d.sort((p, q) => p - q);
  return d.filter((v, i) => i === 0 || v !== d[i - 1]);
}

/** Interval and estimate of the shift x − y at `confidenceLevel` (Kayenta's NetflixACAJudge uses 0.98). */
export function mannWhitneyShift(x: readonly number[], y: readonly number[], confidenceLevel: number): ShiftInterval {
  const muMin = Math.min(...x) - Math.max(...y);
  const muMax = Math.max(...x) - Math.min(...y);
  const z = -normalQuantile((1 - confidenceLevel) / 2);
  const f = (q: number) => (mu: number) => wilcoxonDiff(mu, q, x, y);
  const jumps = sortedDifferences(x, y);
  return { lower: root(f(z), muMin, muMax, jumps), upper: root(f(-z), muMin, muMax, jumps), estimate: root(f(0), muMin, muMax, jumps) };
}
