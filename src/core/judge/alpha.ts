/**
 * The false-fail budget α is split across metrics and across the tests inside a metric (Bonferroni on
 * e-values, STATISTICS.md "Combining"): if each of m e-processes is judged at α/m, the chance that
 * any one of them ever crosses its threshold under "no regression" is at most α, however often the
 * analysis looks (Ville's inequality plus the union bound).
 */
export function splitAlpha(alpha: number, parts: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  return alpha / Math.max(1, parts);
}

/** ln(1/α): the e-value threshold in log space. */
export function logThreshold(alpha: number): number {
  return -Math.log(alpha);
}
