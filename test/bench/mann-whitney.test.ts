import { describe, expect, it } from 'vitest';
import { acaScore, classifyMetric, ACA_DEFAULTS } from '../../bench/detection/judges/kayenta-aca.js';
import { mannWhitneyShift, wilcoxonDiff } from '../../bench/detection/judges/mann-whitney.js';
import { mulberry32 } from '../../src/core/stats/random.js';

/*
 * Reference values: an independent brute force in Python (scipy's rankdata for the ranks, then z(μ)
 * evaluated between every pair of neighbouring pairwise differences x_i − y_j to find where it
 * crosses the quantile). Run it with:
 *
 * python3 - <<'PY'
 * import numpy as np
 * from scipy.stats import rankdata, norm
 * def z(mu, x, y):
 *     nx, ny = len(x), len(y); n = nx + ny
 *     r = rankdata(np.concatenate([np.asarray(x) - mu, y]))
 *     dz = r[:nx].sum() - nx*(nx+1)/2 - nx*ny/2
 *     _, t = np.unique(r, return_counts=True)
 *     s = np.sqrt(nx*ny/12*((n+1) - (t**3 - t).sum()/(n*(n-1))))
 *     return (dz - np.sign(dz)*0.5)/s
 * def cross(q, x, y):
 *     d = np.unique(np.subtract.outer(x, y).ravel())
 *     if z(d[0], x, y) <= q: return d[0]
 *     if z(d[-1], x, y) >= q: return d[-1]
 *     return next(d[k] for k in range(len(d)-1) if z((d[k]+d[k+1])/2, x, y) <= q)
 * q = -norm.ppf(0.01)   # 98% two-sided, as NetflixACAJudge
 * for x, y in CASES: print(cross(q, x, y), cross(-q, x, y), cross(0, x, y), z(0, x, y))
 * PY
 */
const CASES: Array<{ x: number[]; y: number[]; lower: number; upper: number; estimate: number; z0: number }> = [
  // ties in y; the estimate equals the median of the pairwise differences (0.56)
  { x: [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3], y: [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29], lower: -0.56, upper: 1.233, estimate: 0.56, z0: 1.5026882342 },
  // R's wilcox.test help-page data; 50 differences, so the root is a jump point (0.30), not their mean median (0.305)
  { x: [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46], y: [1.15, 0.88, 0.9, 0.74, 1.21], lower: -0.32, upper: 0.99, estimate: 0.3, z0: 1.1635076278 },
  // error-ratio-like series, mostly zeros: heavy ties
  { x: [0, 0, 0.01, 0, 0.02, 0, 0.005], y: [0, 0.001, 0, 0.002, 0, 0, 0.001, 0.003], lower: -0.002, upper: 0.017, estimate: 0, z0: 0.4397966037 },
  // a clear shift
  { x: [5.1, 4.9, 6.2, 5.7, 6.0, 5.5, 5.3, 6.1, 5.8, 5.6, 6.3, 5.9], y: [4.1, 4.5, 3.9, 4.8, 4.2, 4.6, 4.0, 4.4, 4.7, 4.3, 3.8, 4.9], lower: 0.9, upper: 1.8, estimate: 1.4, z0: 4.1000783295 },
];

describe('Mann-Whitney shift interval as Kayenta computes it', () => {
  it.each(CASES)('matches the Python brute force (n = $x.length + $y.length)', ({ x, y, lower, upper, estimate, z0 }) => {
    const r = mannWhitneyShift(x, y, 0.98);
    expect(r.lower).toBeCloseTo(lower, 10);
    expect(r.upper).toBeCloseTo(upper, 10);
    expect(r.estimate).toBeCloseTo(estimate, 10);
    expect(wilcoxonDiff(0, 0, x, y)).toBeCloseTo(z0, 9);
  });

  it('falls back to the sample range when 98% cannot be reached (two points per arm)', () => {
    const r = mannWhitneyShift([3, 4], [1, 2], 0.98);
    expect(r.lower).toBe(1); // min x − max y
    expect(r.upper).toBe(3); // max x − min y
  });
});

describe('NetflixACAJudge metric classification and score', () => {
  const cfg = { ...ACA_DEFAULTS, direction: 'increase' as const };
  const random = mulberry32(1);

  it('is High when the whole interval is above a quarter of the shift, Pass otherwise', () => {
    const { x, y } = CASES[3]!;
    expect(classifyMetric(y, x, cfg, random)).toBe('High');
    expect(classifyMetric(x, y, cfg, random)).toBe('Pass'); // canary lower, direction increase
    expect(classifyMetric(x, y, { ...cfg, direction: 'either' }, random)).toBe('Low');
    expect(classifyMetric(CASES[1]!.y, CASES[1]!.x, cfg, random)).toBe('Pass');
  });

  it('honours allowedIncrease on the mean ratio', () => {
    const { x, y } = CASES[3]!; // means 5.7 vs 4.35: ratio 1.31
    expect(classifyMetric(y, x, { ...cfg, allowedIncrease: 1.5 }, random)).toBe('Pass');
  });

  it('calls two points per arm High when the canary is above the baseline throughout (the peeking trap)', () => {
    expect(classifyMetric([0.004, 0.005], [0.008, 0.01], cfg, random)).toBe('High');
  });

  it('treats NaN as missing (nanStrategy remove): an all-NaN series is Nodata; identical series Pass', () => {
    expect(classifyMetric([NaN, NaN], [NaN], cfg, random)).toBe('Nodata');
    expect(classifyMetric([NaN], [1], { ...cfg, mustHaveData: true }, random)).toBe('NodataFailMetric');
    expect(classifyMetric([1, 2, NaN], [2, 1], cfg, random)).toBe('Pass');
    expect(classifyMetric([0, 0, 0], [0, 0], cfg, random)).toBe('Pass');
  });

  it('scores 100·Pass/(Pass+High+Low+NodataFailMetric), 0 on a critical non-pass or ≥ 50% Nodata', () => {
    const t = { pass: 95, marginal: 75 };
    expect(acaScore([{ cls: 'Pass', critical: false }, { cls: 'High', critical: false }], t)).toEqual({ score: 50, classification: 'Fail' });
    expect(acaScore([{ cls: 'Pass', critical: false }, { cls: 'Pass', critical: false }, { cls: 'Pass', critical: false }, { cls: 'High', critical: false }], t)).toEqual({ score: 75, classification: 'Marginal' });
    expect(acaScore([{ cls: 'Pass', critical: false }, { cls: 'Nodata', critical: false }], t).score).toBe(0);
    expect(acaScore([{ cls: 'Pass', critical: false }, { cls: 'Pass', critical: false }, { cls: 'Error', critical: false }], t).score).toBe(100);
    expect(acaScore([{ cls: 'Pass', critical: false }, { cls: 'High', critical: true }], t).score).toBe(0);
  });
});
