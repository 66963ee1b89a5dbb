/**
 * The fixed-sample look at an analysis's planned end: one exact test of "canary/baseline rate ratio
 * ≤ rNull" on all intervals, conditional on each interval's bad-event total (interval-counts.ts).
 * Under ratio rNull the canary's bad events are Σ_i Bin(m_i, θ_i(rNull)); the p-value is that sum's
 * upper tail at the observed count. A larger true ratio only moves the count up (each binomial is
 * stochastically increasing in r), so the test is valid for the whole composite null.
 *
 * Why a fixed-sample test next to the anytime-valid mixture: the mixture pays for being valid at
 * every look, which is the right price while the analysis may stop at any minute — but the last
 * look of an analysis happens at a time fixed before it started (its maxDuration), and a single
 * test there is far more powerful than the mixture at the same α (docs/judgment.md). Spending a
 * share of α on it keeps the union bound: P(mixture ever crosses at α₁ or final test rejects at
 * α₂) ≤ α₁ + α₂.
 *
 * Overdispersion: counts are divided by φ first (dispersion.ts); intervals whose tempered total is
 * below five events are pooled with their neighbours in θ order, because a sum of binomials with
 * different θ is less spread than one binomial at the pooled mean θ (Hoeffding) — pooling makes the
 * upper tail heavier, the test more conservative.
 */
import { binomialSumUpperTail } from './binomial-sum-tail.js';
import { type IntervalCounts, prepareIntervals } from './interval-counts.js';

export interface FinalLook {
  /** P(canary count ≥ observed | ratio = rNull); 1 when there is nothing to test. */
  pValue: number;
  /** Tempered canary bad events observed and expected under the null. */
  observed: number;
  expected: number;
}

/** Tempered events per pooled part: below this, rounding to whole trials would distort the test. */
const MIN_PART_EVENTS = 5;

/** A part of the final look: trials (tempered bad events), the canary's of them, and θ under the null. */
interface Part {
  m: number;
  x: number;
  theta: number;
}

export function rateRatioFinalLook(intervals: readonly IntervalCounts[], opts: { rNull: number; phi?: number }): FinalLook {
  const phi = Math.max(1, opts.phi ?? 1);
  const p = prepareIntervals(intervals);
  const parts: Part[] = [];
  for (let i = 0; i < p.m.length; i++) {
    const nB = p.nB[i]! * opts.rNull;
    parts.push({ m: p.m[i]! / phi, x: p.xB[i]! / phi, theta: nB / (p.nA[i]! + nB) });
  }
  // Counts are rounded to whole trials part by part, the canary's with its part's total, so the
  // observed count can never exceed what the rounded trials allow (which would read as p = 0).
  const whole = (phi > 1 ? poolSmallParts(parts) : parts)
    .map((part) => {
      const m = Math.round(part.m);
      return { m, x: Math.min(m, Math.round(part.x)), theta: part.theta };
    })
    .filter((part) => part.m > 0);
  const observed = whole.reduce((s, part) => s + part.x, 0);
  const expected = whole.reduce((s, part) => s + part.m * part.theta, 0);
  if (whole.length === 0) return { pValue: 1, observed, expected };
  return { pValue: binomialSumUpperTail(whole, observed), observed, expected };
}

/** Merges parts in θ order until each holds MIN_PART_EVENTS; θ of a pool is its m-weighted mean. */
function poolSmallParts(parts: readonly Part[]): Part[] {
  const sorted = [...parts].sort((a, b) => a.theta - b.theta);
  const out: Part[] = [];
  let m = 0;
  let x = 0;
  let mTheta = 0;
  for (const part of sorted) {
    m += part.m;
    x += part.x;
    mTheta += part.m * part.theta;
    if (m >= MIN_PART_EVENTS) {
      out.push({ m, x, theta: mTheta / m });
      m = 0;
      x = 0;
      mTheta = 0;
    }
  }
  if (m > 0) {
    const last = out.pop();
    out.push(last ? { m: last.m + m, x: last.x + x, theta: (last.m * last.theta + mTheta) / (last.m + m) } : { m, x, theta: mTheta / m });
  }
  return out;
}
