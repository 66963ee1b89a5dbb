/**
 * Kayenta's NetflixACAJudge (spinnaker/kayenta kayenta-judge: NetflixACAJudge.scala,
 * MannWhitneyClassifier.scala, WeightedSumScorer.scala, ThresholdScoreClassifier.scala), the
 * semantics re-implemented:
 * - per metric, NaN values are removed (nanStrategy default "remove") or replaced by 0;
 * - an empty series → Nodata (NodataFailMetric if mustHaveData and not critical);
 * - identical series, or a single distinct value overall → Pass; if both series are constant,
 *   Gaussian noise of 1e-5 × the value is added before testing;
 * - Mann-Whitney on canary (experiment) vs baseline (control), 98% interval on the shift; High when
 *   the interval's lower end > 0.25·|estimate| and the mean ratio ≥ allowedIncrease (ignored when a
 *   mean is 0); Low mirrored; only the configured direction counts; a test error → Error;
 * - score = 100 · Pass / (Pass + High + Low + NodataFailMetric) in the group (a group with none of
 *   those counts as 100); a critical metric that is not Pass → 0; ≥ 50% Nodata → 0;
 * - summary ≥ pass threshold → Pass, ≥ marginal → Marginal, else Fail.
 */
import { normal } from '../sim/variates.js';
import { AllTiedError, mannWhitneyShift } from './mann-whitney.js';

export type AcaClass = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

export interface AcaMetricConfig {
  direction: 'increase' | 'decrease' | 'either';
  nanStrategy: 'remove' | 'replace';
  /** Mean-ratio effect-size gates (Kayenta default 1.0 both ways). */
  allowedIncrease: number;
  allowedDecrease: number;
  critical: boolean;
  mustHaveData: boolean;
}

export const ACA_DEFAULTS: AcaMetricConfig = { direction: 'either', nanStrategy: 'remove', allowedIncrease: 1, allowedDecrease: 1, critical: false, mustHaveData: false };
const TOLERANCE = 0.25;
const CONFIDENCE = 0.98;

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;

export function classifyMetric(control: readonly number[], experiment: readonly number[], cfg: AcaMetricConfig, random: () => number): AcaClass {
  const clean = (v: readonly number[]) => (cfg.nanStrategy === 'remove' ? v.filter((x) => !Number.isNaN(x)) : v.map((x) => (Number.isNaN(x) ? 0 : x)));
  let y = clean(control);
  let x = clean(experiment);
  if (x.length === 0 || y.length === 0) {
    if (cfg.nanStrategy !== 'remove') return 'Pass';
    return cfg.mustHaveData && !cfg.critical ? 'NodataFailMetric' : 'Nodata';
  }
  const sx = [...x].sort((a, b) => a - b);
  const sy = [...y].sort((a, b) => a - b);
  if (sx.length === sy.length && sx.every((v, i) => v === sy[i])) return 'Pass';
  if (new Set([...x, ...y]).size === 1) return 'Pass';
  if (new Set(x).size === 1 && new Set(y).size === 1) {
    const jitter = (v: number[]) => v.map((a) => a + normal(random) * (v[0] as number) * 1e-5);
    x = jitter(x);
    y = jitter(y);
  }
  let shift;
  try {
    shift = mannWhitneyShift(x, y, CONFIDENCE);
  } catch (err) {
    if (err instanceof AllTiedError) return 'Error';
    throw err;
  }
  const bound = TOLERANCE * Math.abs(shift.estimate);
  const mx = mean(x);
  const my = mean(y);
  const effect = mx === 0 || my === 0 ? NaN : mx / my;
  const up = cfg.direction !== 'decrease';
  const down = cfg.direction !== 'increase';
  if (up && shift.lower > bound && (Number.isNaN(effect) || effect >= cfg.allowedIncrease)) return 'High';
  if (down && shift.upper < -bound && (Number.isNaN(effect) || effect <= cfg.allowedDecrease)) return 'Low';
  return 'Pass';
}

export type AcaScoreClass = 'Pass' | 'Marginal' | 'Fail';

/** Summary score of one group of metrics (equal weight), and its classification. */
export function acaScore(results: ReadonlyArray<{ cls: AcaClass; critical: boolean }>, thresholds: { pass: number; marginal: number }): { score: number; classification: AcaScoreClass } {
  const count = (c: AcaClass) => results.filter((r) => r.cls === c).length;
  let score: number;
  if (results.some((r) => r.critical && r.cls !== 'Pass')) score = 0;
  else if ((100 * count('Nodata')) / results.length >= 50) score = 0;
  else {
    const total = count('Pass') + count('High') + count('Low') + count('NodataFailMetric');
    score = total === 0 ? 100 : Math.round((10000 * count('Pass')) / total) / 100;
  }
  const classification = score >= thresholds.pass ? 'Pass' : score >= thresholds.marginal ? 'Marginal' : 'Fail';
  return { score, classification };
}
