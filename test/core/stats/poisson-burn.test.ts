import { describe, expect, it } from 'vitest';
import { burnRate, gammaPoissonOneSidedLogBF } from '../../../src/core/stats/poisson-burn.js';
import { lnGamma, logSumExp } from '../../../src/core/stats/special.js';

describe('gammaPoissonOneSidedLogBF', () => {
  // The defining integral, ln[∫_1^∞ ρ^N e^−Λ0(ρ−1) Gamma(ρ; φ, φ) dρ / Q(φ, φ)], by mpmath quadrature:
  //   python3 -c "import mpmath as mp; mp.mp.dps=50; N,L,phi=map(mp.mpf,(N,L,PHI));
  //     f=lambda r: mp.exp(N*mp.log(r)-L*(r-1)+phi*mp.log(phi)+(phi-1)*mp.log(r)-phi*r-mp.loggamma(phi));
  //     print(mp.nstr(mp.log(mp.quad(f,[1,1.001,1.01,1.1,2,10,mp.inf])/mp.gammainc(phi,phi,mp.inf,regularized=True)),17))"
  const table: Array<[number, number, number, number]> = [
    [32, 866, 1, -6.7274775063243864], // healthy canary: ln Q(33, 867) ≈ −734 inside
    [32, 866, 3, -6.2648568453718147],
    [0, 50, 2, -3.6445134511589519],
    [10, 5, 1, 1.3515025547163806],
    [40, 20, 2, 6.498015012351414],
    [3.5, 2.25, 5, 0.19000923221283917], // extrapolated, non-integer counts
    [200, 100, 1, 36.592763307312324],
  ];
  it.each(table)('equals the integral of the truncated Gamma mixture (N=%s, Λ0=%s, φ=%s)', (N, lambda0, phi, expected) => {
    expect(gammaPoissonOneSidedLogBF(N, lambda0, phi)).toBeCloseTo(expected, 11);
  });

  it('stays finite for a healthy canary however far below the bound it is', () => {
    for (const [N, lambda0] of [[32, 866], [0, 1e4], [5, 1e5]] as const) {
      const v = gammaPoissonOneSidedLogBF(N, lambda0, 2);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThan(0);
    }
  });

  it('has expectation 1 at burn = k and below 1 under a smaller burn (exact Poisson sum)', () => {
    const mean = (trueMean: number, lambda0: number) =>
      Math.exp(
        logSumExp(
          Array.from({ length: 400 }, (_, N) => N * Math.log(trueMean) - trueMean - lnGamma(N + 1) + gammaPoissonOneSidedLogBF(N, lambda0, 2)),
        ),
      );
    expect(mean(20, 20)).toBeCloseTo(1, 9);
    expect(mean(12, 20)).toBeLessThan(1);
  });
});

describe('burnRate', () => {
  it('is the error ratio over the error budget 1 − objective', () => {
    expect(burnRate(0.002, 0.999)).toBeCloseTo(2, 12);
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 10);
    expect(burnRate(0, 0.99)).toBe(0);
  });
});
