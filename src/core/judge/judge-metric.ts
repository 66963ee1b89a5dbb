import type { Measurement, MetricSpec } from '../analysis/model.js';
import { judgeBurnRate } from './burn-rate-judge.js';
import { judgeHistogram } from './histogram-judge.js';
import type { JudgeContext, MetricJudgement } from './judgement.js';
import { judgeRatio } from './ratio-judge.js';
import { judgeThreshold } from './threshold-judge.js';

/** One entry point per metric kind; each judge reads only its own kind's measurements. */
export function judgeMetric(spec: MetricSpec, measurements: readonly Measurement[], ctx: JudgeContext): MetricJudgement {
  switch (spec.kind) {
    case 'ratio':
      return judgeRatio(spec, measurements, ctx);
    case 'histogram':
      return judgeHistogram(spec, measurements, ctx);
    case 'burnRate':
      return judgeBurnRate(spec, measurements, ctx);
    case 'threshold':
      return judgeThreshold(spec, measurements, ctx);
  }
}
