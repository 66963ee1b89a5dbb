/**
 * Sequential error-budget burn test for the canary alone (STATISTICS.md, "Error-budget burn").
 * N = canary bad events, Λ0 = k(1 − SLO)·n_B = the bad events expected at burn rate k. Under
 * H0 "burn ≤ k", N ~ Poisson(ρΛ0) with ρ ≤ 1. Mixing the likelihood ratio over ρ ~ Gamma(φ, φ)
 * truncated to ρ > 1 (Lindon & Kallus 2024, Gamma–Poisson mixture martingales) gives
 *   BF⁺ = e^Λ0 φ^φ Γ(φ+N) Q(φ+N, φ+Λ0) / [Γ(φ) (φ+Λ0)^(φ+N) Q(φ, φ)],
 * since ∫_1^∞ ρ^(N+φ−1) e^−(Λ0+φ)ρ dρ = Γ(N+φ) Q(N+φ, Λ0+φ) / (Λ0+φ)^(N+φ).
 * Each truncated term (ρ > 1) has a likelihood ratio increasing in N, and the Poisson family has
 * monotone likelihood ratio, so the mixture is a supermartingale for every ρ ≤ 1 — the whole
 * composite null. φ ≈ 1–5 (small φ = a wide prior on the burn multiple).
 */
import { lnGamma, lnGammaQ } from './special.js';

/**
 * ln BF⁺ = φ ln φ − (φ+N) ln(φ+Λ0) + ln Γ(φ+N) − ln Γ(φ) + Λ0 + ln Q(φ+N, φ+Λ0) − ln Q(φ, φ).
 * The Q factors are taken in log space: for a healthy canary ln Q(φ+N, φ+Λ0) is −700 and below
 * (e.g. N = 32, Λ0 = 866) and cancels the equally large Λ0 term. N may be non-integer.
 */
export function gammaPoissonOneSidedLogBF(N: number, lambda0: number, phi: number): number {
  return (
    phi * Math.log(phi) -
    (phi + N) * Math.log(phi + lambda0) +
    lnGamma(phi + N) -
    lnGamma(phi) +
    lambda0 +
    lnGammaQ(phi + N, phi + lambda0) -
    lnGammaQ(phi, phi)
  );
}

/**
 * Burn rate = error ratio / (1 − objective): 1 spends the error budget exactly over the SLO window
 * (SRE Workbook, ch. 5). objective is a fraction, e.g. 0.999.
 */
export function burnRate(errorRatio: number, objective: number): number {
  return errorRatio / (1 - objective);
}
