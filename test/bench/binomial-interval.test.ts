import { describe, expect, it } from 'vitest';
import { clopperPearson, lowerBound, upperBound } from '../../bench/detection/report/binomial-interval.js';

describe('Clopper-Pearson bounds', () => {
  // python3 -c "from scipy.stats import beta; print(beta.ppf(0.025, 7, 1994), beta.ppf(0.975, 8, 1993))"
  it('matches scipy for 7 of 2000 (95% two-sided)', () => {
    const [lo, hi] = clopperPearson(7, 2000);
    expect(lo).toBeCloseTo(0.0014083038325025412, 12);
    expect(hi).toBeCloseTo(0.007197961714658002, 12);
  });

  // python3 -c "from scipy.stats import beta; print(beta.ppf(0.001, 6, 95), beta.ppf(0.001, 5, 96), beta.ppf(0.975, 1, 100))"
  it('matches scipy for the one-sided 99.9% lower bound and the k = 0 upper bound', () => {
    expect(lowerBound(6, 100, 0.001)).toBeCloseTo(0.011292691197448407, 12);
    expect(lowerBound(5, 100, 0.001)).toBeCloseTo(0.007517096337111908, 12);
    expect(upperBound(0, 100, 0.025)).toBeCloseTo(0.03621669264517641, 12);
    expect(lowerBound(0, 100, 0.001)).toBe(0);
    expect(upperBound(100, 100, 0.001)).toBe(1);
  });
});
