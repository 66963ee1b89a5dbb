/**
 * Per-interval counts of the two arms, and the conditional likelihood of the canary/baseline rate
 * ratio that the changing-split tests are built on.
 *
 * Model: in interval i the bad events of each arm are Poisson with means λ_A·n_Ai and r·λ_A·n_Bi
 * (r = canary rate / baseline rate). Conditional on the interval's total m_i = x_Ai + x_Bi, the
 * canary's count is Binomial(m_i, θ_i(r)), θ_i(r) = r·n_Bi / (n_Ai + r·n_Bi) — the formula
 * θ_i(r) = rθ0i/(1−θ0i+rθ0i) with θ0i = n_Bi/(n_Ai+n_Bi) from STATISTICS.md. The baseline rate
 * λ_A drops out, so nothing about it has to be known or estimated, and the split may change
 * from interval to interval (weights stepping up mid-analysis).
 */

/** One interval of one metric. A = baseline, B = canary; n = requests, x = bad events. */
export interface IntervalCounts {
  nA: number;
  xA: number;
  nB: number;
  xB: number;
}

/**
 * Intervals reduced to what the likelihood needs, as flat arrays so that the confidence-sequence
 * search (hundreds of likelihood evaluations) does not re-walk objects.
 * Intervals without traffic in an arm (n ≤ 0), without bad events, or with a count that is not a
 * finite nonnegative number carry no information about r and are left out — NaN and ±∞ are not
 * data (STATISTICS.md, "Combining").
 */
export interface PreparedIntervals {
  nA: Float64Array;
  nB: Float64Array;
  xB: Float64Array;
  /** m_i = x_Ai + x_Bi */
  m: Float64Array;
  /** Σ x_Ai and Σ x_Bi over the kept intervals. */
  totalA: number;
  totalB: number;
}

/** Both arms had traffic, there were bad events, and every count is a finite nonnegative number. */
export function isInformative(iv: IntervalCounts): boolean {
  const { nA, xA, nB, xB } = iv;
  const finite = Number.isFinite(nA) && Number.isFinite(nB) && Number.isFinite(xA) && Number.isFinite(xB);
  return finite && nA > 0 && nB > 0 && xA >= 0 && xB >= 0 && xA + xB > 0;
}

export function prepareIntervals(intervals: readonly IntervalCounts[]): PreparedIntervals {
  const kept = intervals.filter(isInformative);
  const p: PreparedIntervals = {
    nA: new Float64Array(kept.length),
    nB: new Float64Array(kept.length),
    xB: new Float64Array(kept.length),
    m: new Float64Array(kept.length),
    totalA: 0,
    totalB: 0,
  };
  kept.forEach((iv, i) => {
    p.nA[i] = iv.nA;
    p.nB[i] = iv.nB;
    p.xB[i] = iv.xB;
    p.m[i] = iv.xA + iv.xB;
    p.totalA += iv.xA;
    p.totalB += iv.xB;
  });
  return p;
}

/**
 * ln L(r) − ln L(rNull) on prepared intervals. Per interval,
 *   x_B ln(θ(r)/θ(rNull)) + x_A ln((1−θ(r))/(1−θ(rNull)))
 *     = x_B ln(r/rNull) − m ln[(n_A + r n_B)/(n_A + rNull n_B)],
 * and the last logarithm is taken as log1p((r − rNull) n_B / (n_A + rNull n_B)) so that r close
 * to rNull keeps its digits.
 */
export function preparedLogLikelihood(p: PreparedIntervals, r: number, rNull: number): number {
  const lnRatio = Math.log(r / rNull);
  const diff = r - rNull;
  let sum = p.totalB > 0 ? p.totalB * lnRatio : 0;
  const { nA, nB, m } = p;
  for (let i = 0; i < m.length; i++) {
    const b = nB[i] as number;
    sum -= (m[i] as number) * Math.log1p((diff * b) / ((nA[i] as number) + rNull * b));
  }
  return sum;
}

/**
 * Σ_i [x_Bi ln(θ_i(r)/θ_i(rNull)) + x_Ai ln((1−θ_i(r))/(1−θ_i(rNull)))]: the log likelihood ratio
 * of rate ratio r against rNull, conditional on each interval's bad-event total.
 */
export function ratioLogLikelihood(intervals: readonly IntervalCounts[], r: number, rNull: number): number {
  return preparedLogLikelihood(prepareIntervals(intervals), r, rNull);
}
