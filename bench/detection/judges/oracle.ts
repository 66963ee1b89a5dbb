/**
 * The oracle: Wald's SPRT told the true effect (src/core/stats/sprt.ts), on the same per-interval
 * counts, conditional on each interval's bad-event total and with that interval's realised split:
 * ln Λ_t = Σ_i oracleSprtLogLR(x_Ai, x_Bi, θ0_i, r). For latency it is told the true ratio of every
 * bucket's probability, r_k = P_canary(bucket k) / P_baseline(bucket k), and multiplies the
 * per-bucket likelihood ratios (conditional on the bucket totals, buckets are independent). It
 * rejects at ln(1/α) with α the analysis budget; it never promotes.
 */
import { bucketCounts } from '../../../src/core/stats/histogram.js';
import { oracleSprtLogLR } from '../../../src/core/stats/sprt.js';
import type { Decision, Judge, JudgeFactory } from './judge.js';

export type OracleTruth = { kind: 'errors'; ratio: number } | { kind: 'latency'; bucketRatios: readonly number[] };

export function oracleJudge(truth: OracleTruth, alpha: number): JudgeFactory {
  const threshold = -Math.log(alpha);
  return () => {
    let llr = 0;
    const judge: Judge = {
      observe(tick): Decision | null {
        for (const m of tick.measurements) {
          const d = m.data;
          if (truth.kind === 'errors' && d?.kind === 'ratio') {
            const n = d.canary.total + d.baseline.total;
            if (d.canary.total > 0 && d.baseline.total > 0) llr += oracleSprtLogLR(d.baseline.bad, d.canary.bad, d.canary.total / n, truth.ratio);
          }
          if (truth.kind === 'latency' && d?.kind === 'histogram') {
            const a = bucketCounts(d.baseline.cumulative);
            const b = bucketCounts(d.canary.cumulative);
            const nA = a.reduce((s, v) => s + v, 0);
            const nB = b.reduce((s, v) => s + v, 0);
            if (nA === 0 || nB === 0) continue;
            truth.bucketRatios.forEach((r, k) => {
              if (r > 0 && Number.isFinite(r)) llr += oracleSprtLogLR(a[k] ?? 0, b[k] ?? 0, nB / (nA + nB), r);
            });
          }
        }
        return llr >= threshold ? { outcome: 'rollback', atMinute: tick.index } : null;
      },
    };
    return judge;
  };
}
