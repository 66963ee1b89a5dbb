/**
 * ln Γ and ln B for positive real arguments. Counts from Prometheus are extrapolated and therefore
 * non-integer, so the mixtures use these instead of factorials.
 *
 * Three regions, each chosen so that no step cancels large terms:
 * - x ≥ 10: Stirling's series with eight Bernoulli terms (DLMF 5.11.1); the first omitted term is
 *   below 1e-17 at x = 10.
 * - 1.5 ≤ x < 2.5: the Taylor series of ln Γ(2+ε) (DLMF 5.7.3 combined with ln(1+ε)):
 *   ln Γ(2+ε) = (1−γ)ε + Σ_{k≥2} (−1)^k (ζ(k)−1) ε^k / k, which converges for |ε| < 2 and so
 *   needs ~27 terms at |ε| = 1/2. This keeps full *relative* accuracy near the zero at x = 2
 *   (and, via the recurrence, at x = 1), where a Lanczos sum would only be absolutely accurate.
 * - elsewhere: the recurrence Γ(x+1) = xΓ(x), shifting into one of the two regions above.
 */

const HALF_LN_2PI = 0.9189385332046727417803297364056176; // ½ ln 2π, DLMF 5.11.1
const EULER_GAMMA = 0.5772156649015328606065120900824024; // Euler's constant γ (DLMF §5.2)

/**
 * ζ(k) − 1 for k = 2…30, from
 *   python3 -c "import mpmath as mp; mp.mp.dps=40; [print(mp.nstr(mp.zeta(k)-1,20)) for k in range(2,31)]"
 */
const ZETA_MINUS_ONE: readonly number[] = [
  0.64493406684822643647, 0.2020569031595942854, 0.082323233711138191516, 0.036927755143369926331,
  0.017343061984449139715, 0.0083492773819228268398, 0.0040773561979443393787,
  0.0020083928260822144179, 0.00099457512781808533715, 0.0004941886041194645587,
  0.00024608655330804829864, 0.00012271334757848914675, 0.000061248135058704829259,
  0.000030588236307020493552, 0.000015282259408651871733, 0.0000076371976378997622736,
  0.0000038172932649998398565, 0.0000019082127165539389257, 0.00000095396203387279611315,
  0.00000047693298678780646312, 0.00000023845050272773299, 0.00000011921992596531107307,
  0.000000059608189051259479612, 0.000000029803503514652280186, 0.000000014901554828365041235,
  0.000000007450711789835429492, 0.0000000037253340247884570548, 0.0000000018626597235130490064,
  0.00000000093132743241966818287,
];

/** B_{2k} / (2k(2k−1)) for k = 1…8 (DLMF 5.11.1, Bernoulli numbers from DLMF Table 24.2.1). */
const STIRLING: readonly number[] = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400,
];

/**
 * Stirling's remainder δ(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π]. Small (≈ 1/(12x)) and smooth,
 * which is what lets ln B and the incomplete-function prefactors avoid subtracting huge ln Γ values.
 */
export function stirlingCorrection(x: number): number {
  if (x >= 10) {
    const inv2 = 1 / (x * x);
    let sum = 0;
    for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * inv2 + (STIRLING[k] as number);
    return sum / x;
  }
  return lnGamma(x) - ((x - 0.5) * Math.log(x) - x + HALF_LN_2PI);
}

/** ln Γ(2 + ε) for |ε| ≤ ½ by its Taylor series (see the file comment). */
function lnGammaNear2(eps: number): number {
  let sum = 0;
  let power = eps; // ε^(k−1), advanced before use
  for (let k = 2; k < ZETA_MINUS_ONE.length + 2; k++) {
    power *= -eps; // (−1)^k ε^k up to the sign convention below
    const term = ((ZETA_MINUS_ONE[k - 2] as number) * power) / k;
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  // power carried (−1)^(k−1) ε^k; the series needs (−1)^k ε^k, hence the minus sign.
  return (1 - EULER_GAMMA) * eps - sum;
}

/** ln Γ(x) for x > 0 (≈ 1e-15 relative). x = 0 → +∞; x < 0 or NaN → NaN (not needed here). */
export function lnGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return Infinity;
  if (x === Infinity) return Infinity;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + stirlingCorrection(x);
  if (x >= 2.5) {
    // Shift down into [1.5, 2.5): ln Γ(x) = ln Γ(x−n) + ln[(x−1)…(x−n)], all terms positive.
    let y = x;
    let product = 1;
    while (y >= 2.5) {
      y -= 1;
      product *= y;
    }
    return lnGammaNear2(y - 2) + Math.log(product);
  }
  if (x >= 1.5) return lnGammaNear2(x - 2);
  if (x >= 0.5) return lnGammaNear2(x - 1) - Math.log(x); // Γ(x) = Γ(x+1)/x, x+1 ∈ [1.5, 2.5)
  // Small x: ln Γ(x) = ln Γ(x+1) − ln x; −ln x dominates, no cancellation.
  return lnGamma(x + 1) - Math.log(x);
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a+b), rearranged for large arguments so that the O(a ln a)
 * parts cancel analytically (the same idea as TOMS 708's betaln): with a ≤ b,
 * - both ≥ 10: ½ ln 2π + (a−½) ln(a/(a+b)) + (b−½) ln(b/(a+b)) − ½ ln(a+b) + δ(a) + δ(b) − δ(a+b)
 * - a < 10 ≤ b: ln Γ(a) − (b−½) log1p(a/b) − a ln(a+b) + a + δ(b) − δ(a+b)
 * where δ is Stirling's remainder. Counts of 10⁶ events then keep ~1e-15 relative accuracy.
 */
export function lnBeta(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || a < 0 || b < 0) return NaN;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (lo === 0) return Infinity;
  if (hi < 10) return lnGamma(lo) + lnGamma(hi) - lnGamma(lo + hi);
  const sum = lo + hi;
  const correction = stirlingCorrection(hi) - stirlingCorrection(sum);
  if (lo >= 10) {
    return (
      HALF_LN_2PI -
      (lo - 0.5) * Math.log1p(hi / lo) -
      (hi - 0.5) * Math.log1p(lo / hi) -
      0.5 * Math.log(sum) +
      stirlingCorrection(lo) +
      correction
    );
  }
  return lnGamma(lo) - (hi - 0.5) * Math.log1p(lo / hi) - lo * Math.log(sum) + lo + correction;
}
