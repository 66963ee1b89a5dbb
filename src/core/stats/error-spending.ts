/**
 * A group-sequential test with exact error spending (Lan & DeMets, Biometrika 1983; Jennison &
 * Turnbull, "Group Sequential Methods with Applications to Clinical Trials", 2000, ch. 7) for a count
 * that grows by independent binomial steps under the null: S_t = Σ_{i≤t} Bin(m_i, θ_i).
 *
 * At look t the test rejects when S_t reaches b_t, the smallest boundary whose null probability —
 * of reaching it at t without having reached an earlier boundary — fits in what the spending
 * allows by t less what the earlier looks spent. That probability is computed exactly by carrying
 * the distribution of S_t, less the mass that crossed, from look to look. Each boundary depends on
 * the steps so far only, so the looks together spend at most the final allowance whatever later
 * steps bring: P(any look rejects | null) ≤ spend(last) (conditional on every m_i, hence overall).
 * A larger θ_i than the null's only moves S_t up, so the test is valid for the composite null too.
 *
 * Why spend α look by look instead of the anytime-valid mixture alone: the looks of an analysis
 * happen at times fixed before it starts (one per interval up to maxDuration), and a test that
 * knows them is far more efficient than one valid at every conceivable look (docs/judgment.md).
 */
import { binomialPmf } from './binomial-sum-tail.js';
import { edgeworthCorrection, normalCdf } from './special.js';

export interface SpendingStep {
  /** Trials added by this step (whole). */
  m: number;
  /** Each trial's null probability of counting. */
  theta: number;
  /** The observed count after this step (cumulative, whole). */
  observed: number;
  /** The cumulative α that may have been spent once this step's look is done (non-decreasing). */
  spend: number;
}

export interface SpendingOutcome {
  /** The last look reached its boundary. Earlier looks only remove the mass that crossed them. */
  rejected: boolean;
  /** The last look's boundary (Infinity = unreachable). */
  boundary: number;
  /** P(S ≥ observed at the last look, no earlier crossing | null): ≤ `alpha` exactly when it rejects. */
  pValue: number;
  /** What the last look could spend: its allowance less what earlier looks spent. */
  alpha: number;
  /** Null mean of the count at the last look. */
  expected: number;
}

/** Cells per standard deviation of the final count when the lattice is coarser than whole counts. */
const CELLS_PER_SD = 50;
/** Up to this variance of the final count the lattice is the whole counts and the steps exact binomials. */
const EXACT_MAX_VARIANCE = 2500;
/** Mass below this share of the largest cell is dropped: tails move by far less than any α. */
const CUT = 1e-18;

interface Lattice {
  /** Width of a cell in counts (1 = exact). */
  h: number;
  offset: number;
  mass: Float64Array;
}

/**
 * Only the last look may reject. An earlier look decided at its own tick, against the boundary it
 * had then; re-judged later (the lattice and φ can change as data accrues) its boundary could
 * drop, and letting it reject after the fact would spend α twice. So earlier looks only absorb.
 */
export function errorSpendingTest(steps: readonly SpendingStep[]): SpendingOutcome {
  // A step that is not data adds no trials; its look still spends (what it may is carried on).
  const checked = steps.map((st) => ({ ...st, m: isStep(st) ? st.m : 0, data: Number.isFinite(st.observed) && (st.m === 0 || isStep(st)) }));
  const variance = checked.reduce((s, st) => s + (st.m > 0 ? st.m * st.theta * (1 - st.theta) : 0), 0);
  const h = variance <= EXACT_MAX_VARIANCE ? 1 : Math.sqrt(variance) / CELLS_PER_SD;
  let lattice: Lattice = { h, offset: 0, mass: new Float64Array([1]) };
  let spent = 0;
  let mean = 0;
  let last: SpendingOutcome = { rejected: false, boundary: Infinity, pValue: 1, alpha: 0, expected: 0 };
  for (const step of checked) {
    if (step.m > 0) {
      mean += step.m * step.theta;
      lattice = addStep(lattice, step.m, step.theta);
    }
    const allowed = Math.max(0, step.spend - spent);
    const cell = Math.round(step.observed / h);
    const { boundary, crossing } = boundaryOf(lattice, allowed);
    const rejected = step.data && cell >= boundary;
    last = { rejected, boundary: boundary * h, pValue: step.data ? tailFrom(lattice, cell) : 1, alpha: allowed, expected: mean };
    spent += crossing;
    lattice = absorb(lattice, boundary);
  }
  return last;
}

/** A step adds trials only with a whole, positive count and a share strictly inside (0, 1); anything else is not data. */
function isStep(st: SpendingStep): boolean {
  return Number.isInteger(st.m) && st.m > 0 && st.theta > 0 && st.theta < 1;
}

/** The smallest cell whose tail fits in `allowed`, and that tail (what the look spends). */
function boundaryOf(l: Lattice, allowed: number): { boundary: number; crossing: number } {
  let tail = 0;
  let k = l.mass.length;
  while (k > 0 && tail + l.mass[k - 1]! <= allowed) tail += l.mass[--k]!;
  // Past the support nothing can cross (k = length): the boundary is unreachable.
  return { boundary: k === l.mass.length ? Infinity : l.offset + k, crossing: tail };
}

function tailFrom(l: Lattice, cell: number): number {
  let tail = 0;
  for (let k = Math.max(0, cell - l.offset); k < l.mass.length; k++) tail += l.mass[k]!;
  return Math.min(1, tail);
}

/** Removes the mass that crossed: paths that reached the boundary have stopped. */
function absorb(l: Lattice, boundary: number): Lattice {
  if (!Number.isFinite(boundary)) return l;
  return { ...l, mass: l.mass.slice(0, Math.max(0, boundary - l.offset)) };
}

function addStep(l: Lattice, m: number, theta: number): Lattice {
  const v = m * theta * (1 - theta);
  const step = l.h === 1 ? binomialPmf(m, theta) : Math.sqrt(v) >= 2 * l.h ? edgeworthCells(m * theta, v, (1 - 2 * theta) / Math.sqrt(v), l.h) : spreadOnCells(binomialPmf(m, theta), l.h);
  const next = new Float64Array(l.mass.length + step.values.length - 1);
  for (let i = 0; i < l.mass.length; i++) {
    const a = l.mass[i]!;
    if (a === 0) continue;
    for (let j = 0; j < step.values.length; j++) next[i + j]! += a * step.values[j]!;
  }
  return trim({ h: l.h, offset: l.offset + step.offset, mass: next });
}

/**
 * A step of mean μ and variance v on cells of width h: each cell's mass under the one-term Edgeworth
 * expansion F(z) = Φ(z) − (γ/6)(z² − 1)ϕ(z), γ the binomial's skewness, so that the steps' third
 * cumulants add up like the binomials' do (the normal alone would make the upper tail a few percent
 * too light at small α, i.e. the test slightly too eager).
 */
function edgeworthCells(mu: number, v: number, skew: number, h: number): { offset: number; values: Float64Array } {
  const sd = Math.sqrt(v);
  const lo = Math.floor((mu - 9 * sd) / h);
  const hi = Math.ceil((mu + 9 * sd) / h);
  const values = new Float64Array(hi - lo + 1);
  for (let k = lo; k <= hi; k++) {
    const a = ((k - 0.5) * h - mu) / sd;
    const b = ((k + 0.5) * h - mu) / sd;
    values[k - lo] = Math.max(0, normalMass(a, b) - edgeworthCorrection(b, skew) + edgeworthCorrection(a, skew));
  }
  return { offset: lo, values };
}

/**
 * A step narrower than two cells (a few events after an outage minute, say) as its exact pmf, each
 * count's mass split between the two cells around it in proportion to its distance, so the step's
 * mean is kept exactly: rounded to whole cells such steps would drift the null down by up to half a
 * cell each, and over many steps the boundaries with it. The split only widens the step (by at most
 * h²/4 in variance), which moves boundaries up, not down.
 */
function spreadOnCells(pmf: { offset: number; values: Float64Array }, h: number): { offset: number; values: Float64Array } {
  const lo = Math.floor(pmf.offset / h);
  const hi = Math.floor((pmf.offset + pmf.values.length - 1) / h) + 1;
  const values = new Float64Array(hi - lo + 1);
  pmf.values.forEach((p, j) => {
    const at = (pmf.offset + j) / h;
    const below = Math.floor(at);
    const up = at - below;
    values[below - lo]! += p * (1 - up);
    values[below - lo + 1]! += p * up;
  });
  return { offset: lo, values };
}

/** Φ(b) − Φ(a), from the nearer tail so that cells far out keep their digits. */
function normalMass(a: number, b: number): number {
  return a > 0 ? normalCdf(-a) - normalCdf(-b) : normalCdf(b) - normalCdf(a);
}

function trim(l: Lattice): Lattice {
  let max = 0;
  for (const v of l.mass) if (v > max) max = v;
  let lo = 0;
  let hi = l.mass.length - 1;
  while (lo < hi && l.mass[lo]! < CUT * max) lo++;
  while (hi > lo && l.mass[hi]! < CUT * max) hi--;
  return { h: l.h, offset: l.offset + lo, mass: l.mass.slice(lo, hi + 1) };
}
