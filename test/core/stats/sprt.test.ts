import { describe, expect, it } from 'vitest';
import { ratioToTheta } from '../../../src/core/stats/beta-binomial-mixture.js';
import { oracleSprtLogLR } from '../../../src/core/stats/sprt.js';

describe('oracleSprtLogLR', () => {
  it('is the binomial log likelihood ratio of θ1 = r1θ0/(1−θ0+r1θ0) against θ0', () => {
    const theta1 = ratioToTheta(2, 0.1);
    expect(theta1).toBeCloseTo(0.2 / 1.1, 15);
    expect(oracleSprtLogLR(27, 6, 0.1, 2)).toBeCloseTo(6 * Math.log(theta1 / 0.1) + 27 * Math.log((1 - theta1) / 0.9), 12);
  });

  it('is 0 without events and at r1 = 1, and negative when the canary has no bad events', () => {
    expect(oracleSprtLogLR(0, 0, 0.1, 2)).toBe(0);
    expect(oracleSprtLogLR(30, 5, 0.1, 1)).toBeCloseTo(0, 14);
    expect(oracleSprtLogLR(30, 0, 0.1, 2)).toBeLessThan(0);
  });
});
