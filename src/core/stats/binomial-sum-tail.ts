/**
 * Upper tail of a sum of independent binomials, P(Σ_i Bin(m_i, θ_i) ≥ x): the null distribution of
 * the canary's bad events over a whole analysis, conditional on each interval's bad-event total
 * (interval-counts.ts), when the traffic split differs from interval to interval.
 *
 * Exact by convolution while the sum's variance is moderate (the pmfs are cut where they fall below
 * 1e-30 of their largest term, which moves a tail probability by far less than any α); beyond that
 * the normal approximation with a continuity correction and the one-term Edgeworth (skewness)
 * correction, whose error is O(1/variance) — under 1e-6 absolute at the sizes where it is used.
 */
import { edgeworthCorrection, lnGamma, normalCdf } from './special.js';

export interface BinomialPart {
  /** Trials; rounded to the nearest integer (Prometheus counts are extrapolated, so not quite whole). */
  m: number;
  theta: number;
}

/** Above this variance the convolution costs more than it is worth and the expansion is exact enough. */
const EXACT_MAX_VARIANCE = 2500;
const CUT = 1e-30;

export function binomialSumUpperTail(parts: readonly BinomialPart[], x: number): number {
  // Not data is never evidence: a NaN or infinite count or share answers "no rejection".
  if (!Number.isFinite(x) || parts.some((p) => Number.isNaN(p.theta) || !Number.isFinite(p.m))) return 1;
  const clean = parts
    .map((p) => ({ m: Math.round(p.m), theta: p.theta }))
    .filter((p) => p.m > 0 && p.theta > 0 && Number.isFinite(p.m));
  if (clean.some((p) => !(p.theta < 1))) throw new RangeError('binomialSumUpperTail: theta must be in (0, 1)');
  const k = Math.ceil(x - 1e-9);
  if (k <= 0) return 1;
  const total = clean.reduce((s, p) => s + p.m, 0);
  if (k > total) return 0;
  const variance = clean.reduce((s, p) => s + p.m * p.theta * (1 - p.theta), 0);
  return variance <= EXACT_MAX_VARIANCE ? exactTail(clean, k) : edgeworthTail(clean, k, variance);
}

/** The pmf of Bin(m, θ) from its mode outwards, cut at CUT × the mode's mass: [offset, values]. */
export function binomialPmf(m: number, theta: number): { offset: number; values: Float64Array } {
  const mode = Math.min(m, Math.floor((m + 1) * theta));
  const lnMode = lnGamma(m + 1) - lnGamma(mode + 1) - lnGamma(m - mode + 1) + mode * Math.log(theta) + (m - mode) * Math.log1p(-theta);
  const odds = theta / (1 - theta);
  const up: number[] = [];
  for (let j = mode, v = 1; j < m; j++) {
    v *= ((m - j) / (j + 1)) * odds;
    if (v < CUT) break;
    up.push(v);
  }
  const down: number[] = [];
  for (let j = mode, v = 1; j > 0; j--) {
    v *= (j / (m - j + 1)) / odds;
    if (v < CUT) break;
    down.push(v);
  }
  const scale = Math.exp(lnMode);
  const values = new Float64Array(down.length + 1 + up.length);
  down.reverse().forEach((v, i) => (values[i] = v * scale));
  values[down.length] = scale;
  up.forEach((v, i) => (values[down.length + 1 + i] = v * scale));
  return { offset: mode - down.length, values };
}

function exactTail(parts: readonly BinomialPart[], k: number): number {
  let offset = 0;
  let pmf: Float64Array = new Float64Array([1]);
  for (const p of parts) {
    const b = binomialPmf(p.m, p.theta);
    const next = new Float64Array(pmf.length + b.values.length - 1);
    for (let i = 0; i < pmf.length; i++) {
      const a = pmf[i]!;
      if (a === 0) continue;
      for (let j = 0; j < b.values.length; j++) next[i + j]! += a * b.values[j]!;
    }
    ({ offset, pmf } = trim(offset + b.offset, next));
  }
  let tail = 0;
  for (let i = Math.max(0, k - offset); i < pmf.length; i++) tail += pmf[i]!;
  return Math.min(1, tail);
}

/** Drops the negligible ends so the support stays near mean ± a few dozen standard deviations. */
function trim(offset: number, pmf: Float64Array): { offset: number; pmf: Float64Array } {
  let max = 0;
  for (const v of pmf) if (v > max) max = v;
  let lo = 0;
  let hi = pmf.length - 1;
  while (lo < hi && pmf[lo]! < CUT * max) lo++;
  while (hi > lo && pmf[hi]! < CUT * max) hi--;
  return { offset: offset + lo, pmf: pmf.slice(lo, hi + 1) };
}

function edgeworthTail(parts: readonly BinomialPart[], k: number, variance: number): number {
  let mean = 0;
  let third = 0;
  for (const p of parts) {
    mean += p.m * p.theta;
    third += p.m * p.theta * (1 - p.theta) * (1 - 2 * p.theta);
  }
  const sd = Math.sqrt(variance);
  const z = (k - 0.5 - mean) / sd;
  const skew = third / variance ** 1.5;
  const tail = normalCdf(-z) + edgeworthCorrection(z, skew);
  return Math.min(1, Math.max(0, tail));
}
