/**
 * Seeded variates the core does not need but the simulator does. Uniforms come from the core's
 * mulberry32 stream; Poisson and binomial are the core's exact samplers.
 */
import { binomial } from '../../../src/core/stats/random.js';

/** Standard normal by Marsaglia's polar method (one of the pair is discarded: simpler to replay). */
export function normal(random: () => number): number {
  for (;;) {
    const u = 2 * random() - 1;
    const v = 2 * random() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Gamma(shape, 1) by Marsaglia & Tsang ("A simple method for generating gamma variables",
 * ACM TOMS 26(3), 2000); shape < 1 through Gamma(shape + 1)·U^(1/shape).
 */
export function gamma(random: () => number, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(random() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(random: () => number, a: number, b: number): number {
  const x = gamma(random, a);
  const y = gamma(random, b);
  return x + y > 0 ? x / (x + y) : a / (a + b);
}

/** Geometric on {1, 2, …} with the given mean (≥ 1), by inversion. */
export function geometric(random: () => number, mean: number): number {
  if (mean <= 1) return 1;
  const q = 1 - 1 / mean;
  return 1 + Math.floor(Math.log(1 - random()) / Math.log(q));
}

/** Multinomial(n, probs) by sequential conditional binomials; probs need not sum exactly to 1. */
export function multinomial(random: () => number, n: number, probs: readonly number[]): number[] {
  const out = new Array<number>(probs.length).fill(0);
  let left = n;
  let mass = probs.reduce((s, p) => s + p, 0);
  for (let k = 0; k < probs.length - 1 && left > 0; k++) {
    const p = probs[k] as number;
    const x = mass > 0 ? binomial(random, left, Math.min(1, p / mass)) : 0;
    out[k] = x;
    left -= x;
    mass -= p;
  }
  out[probs.length - 1] = (out[probs.length - 1] as number) + left;
  return out;
}
