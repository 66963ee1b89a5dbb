/**
 * Kayenta as users run it from a Spinnaker canary stage, on per-interval series (one value per
 * 1-minute step, as a Prometheus range query with step = interval returns them): the 5xx ratio and
 * the p99 latency of each arm.
 * - `end`: one judgement over the whole budget when it is over (the fixed-horizon design the test
 *   was built for): score ≥ pass → promote, else roll back.
 * - `peek`: a judgement after every interval over all data so far (a canary stage with an analysis
 *   interval and no lookback): any score below marginal rolls back at once; the last must reach pass.
 */
import { mulberry32 } from '../../../src/core/stats/random.js';
import type { Decision, Judge, JudgeFactory } from './judge.js';
import { intervalValues } from './interval-values.js';
import { acaScore, classifyMetric, type AcaMetricConfig } from './kayenta-aca.js';

export interface KayentaConfig {
  metric: AcaMetricConfig;
  thresholds: { pass: number; marginal: number };
  mode: 'end' | 'peek';
}

export function kayentaJudge(cfg: KayentaConfig): JudgeFactory {
  return ({ budgetMinutes }) => {
    const series = { errCanary: [] as number[], errBaseline: [] as number[], latCanary: [] as number[], latBaseline: [] as number[] };
    const random = mulberry32(0x6b61); // only for Kayenta's tie-breaking noise
    const judgeNow = () => {
      const results = [
        { cls: classifyMetric(series.errBaseline, series.errCanary, cfg.metric, random), critical: cfg.metric.critical },
        { cls: classifyMetric(series.latBaseline, series.latCanary, cfg.metric, random), critical: cfg.metric.critical },
      ];
      return acaScore(results, cfg.thresholds).classification;
    };
    const judge: Judge = {
      observe(tick): Decision | null {
        const v = intervalValues(tick.measurements);
        series.errCanary.push(v.errorRate.canary);
        series.errBaseline.push(v.errorRate.baseline);
        series.latCanary.push(v.p99.canary);
        series.latBaseline.push(v.p99.baseline);
        const last = tick.index >= budgetMinutes;
        if (!last && cfg.mode === 'end') return null;
        const c = judgeNow();
        if (last) return { outcome: c === 'Pass' ? 'promote' : 'rollback', atMinute: tick.index };
        return c === 'Fail' ? { outcome: 'rollback', atMinute: tick.index } : null;
      },
    };
    return judge;
  };
}
