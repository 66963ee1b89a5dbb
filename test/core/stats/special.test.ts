import { describe, expect, it } from 'vitest';
import {
  lnBeta,
  lnGamma,
  lnGammaP,
  lnGammaQ,
  lnIncBeta,
  lnIncBetaUpper,
  log1mExp,
  logSumExp,
  normalCdf,
  normalLogCdf,
  normalQuantile,
} from '../../../src/core/stats/special.js';

/**
 * Reference values are from mpmath 1.3.0 at 50 significant digits, printed with 17 (the commands
 * are next to each table; `ref.py`'s helpers are spelled out where they are used). Closed forms
 * from DLMF are marked as such.
 */
function expectClose(actual: number, expected: number, rel: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Number.isFinite(actual), `${actual} should be finite`).toBe(Number.isFinite(expected));
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

describe('lnGamma', () => {
  // At the exact double x (mp.mpf(float), not the decimal string, which matters near the zeros):
  // python3 -c "import mpmath as mp; mp.mp.dps=50; print(mp.nstr(mp.loggamma(mp.mpf(X)), 17))"
  const table: Array<[number, number]> = [
    [1e-8, 18.420680738180209],
    [0.1, 2.2527126517342059],
    [0.5, 0.57236494292470009],
    [1.0001, -5.7713342220471268e-5],
    [1.4616321449683622, -0.12148629053584961], // the minimum of ln Γ
    [1.9, -0.038984275923083362],
    [2.0001, 4.2281658112919946e-5],
    [3.7, 1.4280723266653881],
    [9.99, 12.779315214350193],
    [10.5, 13.940625219403764],
    [123.456, 469.60554712992948],
    [1e6, 12815504.569147612],
    [1e12, 26631021115915.652],
  ];
  it.each(table)('matches mpmath at x = %s to 1e-14 relative, including near its zeros at 1 and 2', (x, v) => {
    expectClose(lnGamma(x), v, 1e-14);
  });

  it('is ln((n−1)!) at integers and ½ ln π at ½ (DLMF 5.4.1, 5.4.6)', () => {
    expect(lnGamma(1)).toBe(0);
    expect(lnGamma(2)).toBe(0);
    expectClose(lnGamma(11), Math.log(3628800), 1e-15);
    expectClose(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-15);
  });
});

describe('lnBeta', () => {
  // python3 -c "import mpmath as mp; mp.mp.dps=50; print(mp.nstr(mp.log(mp.beta(mp.mpf('A'), mp.mpf('B'))), 17))"
  const table: Array<[number, number, number]> = [
    [0.5, 0.5, 1.1447298858494002], // = ln π
    [5, 905, -30.872652342288869],
    [0.3, 1e7, -3.7396306899694203],
    [1e6, 2e6, -1909548.290968533],
    [20, 30, -33.968820791977383],
  ];
  it.each(table)('matches mpmath at (%s, %s), keeping digits when one argument is huge', (a, b, v) => {
    expectClose(lnBeta(a, b), v, 1e-14);
    expectClose(lnBeta(b, a), v, 1e-14);
  });
});

describe('lnIncBeta and lnIncBetaUpper', () => {
  // I from mpmath via DLMF 8.17.8 on the side below the mean, complement by 1 − I at 50 digits:
  //   lnI(x,a,b) = a ln x + b ln(1−x) − ln a − ln B(a,b) + ln 2F1(a+b, 1; a+1; x)   (x < a/(a+b))
  //   python3 -c "import mpmath as mp; mp.mp.dps=50; x,a,b=map(mp.mpf,('X','A','B'));
  //     print(mp.nstr(a*mp.log(x)+b*mp.log1p(-x)-mp.log(a)-mp.log(mp.beta(a,b))+mp.log(mp.hyp2f1(a+b,1,a+1,x)),17))"
  //   and ln(1 − I_x(a,b)) = lnI(1−x, b, a).
  const table: Array<[number, number, number, number, number]> = [
    [0.1, 3, 27, -0.57085881189991246, -0.83250113077492426],
    [0.3, 0.5, 0.5, -0.99693121102077806, -0.46046545391587118],
    [0.999, 200, 3, -0.001167244117555211, -6.7536933289913323],
    [0.2, 50, 50, -25.044295241067514, -1.3286199631948597e-11],
    [1e-20, 2, 3, -90.311644250533772, -6.0e-40],
  ];
  it.each(table)('matches mpmath at x=%s, a=%s, b=%s on both sides', (x, a, b, lnI, lnU) => {
    expectClose(lnIncBeta(x, a, b), lnI, 1e-13);
    expectClose(lnIncBetaUpper(x, a, b), lnU, 1e-13);
  });

  it('returns the far upper tail of a healthy canary (e^−606) as a finite log', () => {
    // The posterior tail of oneSidedBetaBinomialLogBF for x_A = 900, x_B = 0, θ0 = ½, c = 10.
    expectClose(lnIncBetaUpper(0.5, 5, 905), -606.00164986604622, 1e-14);
    expectClose(lnIncBeta(0.5, 905, 5), -606.00164986604622, 1e-14);
    expect(lnIncBeta(0.5, 5, 905)).toBeLessThanOrEqual(0);
  });

  it('returns tails of e^−5000 and below, not −∞', () => {
    // Closed forms straight from the definition: B(1,b) = 1/b, so I_x(1,b) = ∫₀ˣ b(1−t)^(b−1) dt = 1 − (1−x)^b,
    // and likewise I_x(a,1) = x^a.
    // 1 − I_0.9(1, 10⁴) = 0.1^10000 → ln = 10⁴ ln 0.1
    expectClose(lnIncBetaUpper(0.9, 1, 1e4), 1e4 * Math.log(0.1), 1e-14);
    // I_0.6(12000, 1) = 0.6^12000 → ln ≈ −6130
    expectClose(lnIncBeta(0.6, 12000, 1), 12000 * Math.log(0.6), 1e-14);
    // python3 -c "... x,a,b = '0.01','5000','200' ..." (the DLMF 8.17.8 command above)
    expectClose(lnIncBeta(0.01, 5000, 200), -22186.9346720901, 1e-14);
  });

  it('stays accurate for a hundred thousand events near the mean (brcomp-style prefactor)', () => {
    // Reference by quadrature of the Beta density in mpmath (the hypergeometric series is too slow there):
    //   f = lambda t: mp.exp((a-1)*mp.log(t)+(b-1)*mp.log1p(-t)-mp.log(mp.beta(a,b)))
    //   mp.log(mp.quad(f, [m-40sd, m-40sd+sd/4, …, x]))  with break points every sd/4 around the mode m
    expectClose(lnIncBeta(0.1, 1e5, 9e5), -0.6924382010901789, 1e-12);
    expectClose(lnIncBetaUpper(0.1, 1e5, 9e5), -0.69385666303824407, 1e-12);
    expectClose(lnIncBeta(0.5, 100003, 1e5), -0.69851385866514578, 1e-12);
    expectClose(lnIncBetaUpper(0.5, 100003, 1e5), -0.6878091500147864, 1e-12);
  });

  it('satisfies the reflection I_x(a,b) = 1 − I_{1−x}(b,a) exactly as implemented', () => {
    for (const [x, a, b] of [[0.3, 2.5, 7], [0.05, 0.2, 40], [0.7, 300, 120]] as const) {
      expect(lnIncBeta(x, a, b)).toBeCloseTo(lnIncBetaUpper(1 - x, b, a), 12);
    }
  });

  it('handles the ends of [0, 1] and rejects invalid shapes', () => {
    expect(lnIncBeta(0, 2, 3)).toBe(-Infinity);
    expect(lnIncBeta(1, 2, 3)).toBe(0);
    expect(lnIncBetaUpper(0, 2, 3)).toBe(0);
    expect(lnIncBetaUpper(1, 2, 3)).toBe(-Infinity);
    expect(lnIncBeta(0.5, 0, 3)).toBeNaN();
    expect(lnIncBeta(Number.NaN, 1, 3)).toBeNaN();
  });
});

describe('lnGammaP and lnGammaQ', () => {
  // python3 -c "import mpmath as mp; mp.mp.dps=50; a,x=mp.mpf('A'),mp.mpf('X');
  //   print(mp.nstr(mp.log(mp.gammainc(a,0,x,regularized=True)),17), mp.nstr(mp.log(mp.gammainc(a,x,mp.inf,regularized=True)),17))"
  const table: Array<[number, number, number, number]> = [
    [5, 0.1, -16.383650781624364, -7.6678019801652374e-8],
    [10, 10, -0.61235960785375469, -0.781039568496278],
    [100, 50, -21.862679706410286, -3.2000653250971462e-10],
    [100, 150, -5.924557885642327e-6, -12.036407454461646],
    [1e4, 1.1e4, -1.6928531496469328e-22, -50.130456686204312],
    [1e6, 1001000, -0.17275373112418319, -1.8410218990178857],
    [33, 3, -51.708152755684339, -3.4948986726566941e-23],
  ];
  it.each(table)('matches mpmath at a=%s, x=%s', (a, x, lnP, lnQ) => {
    expectClose(lnGammaP(a, x), lnP, 1e-13);
    expectClose(lnGammaQ(a, x), lnQ, 1e-13);
  });

  it('returns ln Q(32, 866) ≈ −734.375 — the healthy-canary tail of the burn test — finite', () => {
    expectClose(lnGammaQ(32, 866), -734.37538255512872, 1e-14);
    expect(lnGammaP(32, 866)).toBeLessThanOrEqual(0);
  });

  it('matches the closed forms Q(1, x) = e^−x and Q(½, x) = erfc(√x) far in the tail (DLMF §8.4)', () => {
    expect(lnGammaQ(1, 866)).toBeCloseTo(-866, 10);
    expect(lnGammaQ(1, 5000)).toBeCloseTo(-5000, 9);
    // ln erfc(√800): python3 -c "import mpmath as mp; mp.mp.dps=50; print(mp.nstr(mp.log(mp.erfc(mp.sqrt(800))),17))"
    expectClose(lnGammaQ(0.5, 800), -803.91529483319384, 1e-14);
  });

  it('handles x = 0 and x = ∞', () => {
    expect(lnGammaP(3, 0)).toBe(-Infinity);
    expect(lnGammaQ(3, 0)).toBe(0);
    expect(lnGammaQ(3, Infinity)).toBe(-Infinity);
  });
});

describe('normalQuantile and normalCdf', () => {
  // Quantiles by inverting mpmath's Φ at the exact double p:
  //   python3 -c "import mpmath as mp; mp.mp.dps=50; p=mp.mpf(P); print(mp.nstr(mp.findroot(lambda z: mp.log(mp.ncdf(z))-mp.log(p), Z0),17))"
  const quantiles: Array<[number, number]> = [
    [1e-300, -37.047096299361199],
    [1e-100, -21.273453560965324],
    [1e-20, -9.2623400897984076],
    [1e-10, -6.3613409024040562],
    [0.001, -3.0902323061678135], // A&S table 26.8: 3.090232
    [0.025, -1.9599639845400542], // A&S table 26.8: 1.959964
    [0.2, -0.84162123357291417],
    [0.6, 0.25334710313579974],
    [0.975, 1.9599639845400539],
    [0.999, 3.0902323061678133],
    [0.999999999999, 7.0344869100478352],
  ];
  it.each(quantiles)('AS 241 quantile at p = %s matches mpmath to 1e-15', (p, z) => {
    expectClose(normalQuantile(p), z, 1e-15);
  });

  // python3 -c "import mpmath as mp; mp.mp.dps=50; z=mp.mpf('Z'); print(mp.nstr(mp.ncdf(z),17), mp.nstr(mp.log(mp.ncdf(z)),17))"
  const cdfs: Array<[number, number, number]> = [
    [-20, 2.7536241186062337e-89, -203.91715537109726],
    [-8, 6.2209605742717841e-16, -35.01343715991455],
    [-3, 0.0013498980316300945, -6.6077262215103495],
    [-1, 0.15865525393145705, -1.8410216450092635],
    [0.5, 0.6914624612740131, -0.36894641528865639],
    [1.96, 0.97500210485177957, -0.025315649164282113],
    [5, 0.99999971334842812, -2.8665161296376359e-7],
  ];
  it.each(cdfs)('Φ(%s) and ln Φ match mpmath, including the far lower tail', (z, p, lnP) => {
    expectClose(normalCdf(z), p, 1e-13);
    expectClose(normalLogCdf(z), lnP, 1e-13);
  });

  it('maps the ends of [0, 1] to ±∞ and round-trips through Φ', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalCdf(0)).toBe(0.5);
    for (const p of [1e-12, 0.01, 0.3, 0.77]) expectClose(normalCdf(normalQuantile(p)), p, 1e-13);
  });
});

describe('log-space helpers', () => {
  it('logSumExp neither overflows nor underflows and treats the empty sum as ln 0', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([0, Infinity])).toBe(Infinity);
    expect(logSumExp([0, Number.NaN])).toBeNaN();
  });

  it('log1mExp keeps digits on both sides of −ln 2 (Mächler 2012)', () => {
    expectClose(log1mExp(-1e-20), Math.log(1e-20), 1e-15); // 1 − e^−ε ≈ ε
    expectClose(log1mExp(-50), -Math.exp(-50), 1e-15); // ln(1 − δ) ≈ −δ
    expectClose(log1mExp(-Math.LN2), -Math.LN2, 1e-15); // 1 − ½ = ½
    expect(log1mExp(0)).toBe(-Infinity);
    expect(log1mExp(0.1)).toBeNaN();
  });
});
