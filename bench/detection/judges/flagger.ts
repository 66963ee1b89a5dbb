/**
 * Flagger's canary analysis (fluxcd/flagger pkg/controller/scheduler.go, scheduler_metrics.go),
 * with the builtin metrics:
 * - every `interval` the scheduler runs the checks on the last interval's data: request-success-rate
 *   (% of non-5xx) against `thresholdRange.min`, request-duration (p99, ms) against `thresholdRange.max`;
 * - a query that returns no value or NaN (no traffic) is ErrNoValuesFound: the check fails;
 * - one failed check per run, **cumulative** over the analysis (never reset by later successes);
 * - rollback happens when a scheduler run *starts* with failedChecks ≥ `threshold`, i.e. on the
 *   interval after the threshold-th failure (rollback time = interval × threshold when all fail);
 * - promotion after maxWeight/stepWeight successful iterations; here that count is the budget in
 *   intervals, so a healthy canary takes the same time to promote as with every other method.
 */
import type { Decision, Judge, JudgeFactory } from './judge.js';
import { intervalValues } from './interval-values.js';

export interface FlaggerConfig {
  /** Failed checks before rollback (Flagger's default when unset is 1). */
  threshold: number;
  /** request-success-rate thresholdRange.min, percent. */
  minSuccessRatePercent: number;
  /** request-duration thresholdRange.max, milliseconds (p99). */
  maxDurationMs: number;
}

/** Per-interval outcome of Flagger's builtin checks: false = a failed check. */
export function flaggerCheck(cfg: FlaggerConfig, successRate: number, p99Seconds: number): boolean {
  const success = 100 * successRate;
  const duration = 1000 * p99Seconds;
  if (Number.isNaN(success) || success < cfg.minSuccessRatePercent) return false;
  if (Number.isNaN(duration) || duration > cfg.maxDurationMs) return false;
  return true;
}

/** The scheduler's state machine, fed one check result per interval. */
export class FlaggerAnalysis {
  failedChecks = 0;
  iterations = 0;
  constructor(
    private readonly threshold: number,
    private readonly iterationsToPromote: number,
  ) {}

  /** One scheduler run at the end of interval `minute`, with that interval's check result. */
  step(minute: number, checkPassed: boolean): Decision | null {
    if (this.failedChecks >= this.threshold) return { outcome: 'rollback', atMinute: minute };
    if (!checkPassed) {
      this.failedChecks += 1;
      return null;
    }
    this.iterations += 1;
    return this.iterations >= this.iterationsToPromote ? { outcome: 'promote', atMinute: minute } : null;
  }
}

export function flaggerJudge(cfg: FlaggerConfig): JudgeFactory {
  return ({ budgetMinutes }) => {
    const analysis = new FlaggerAnalysis(cfg.threshold, budgetMinutes);
    const judge: Judge = {
      observe(tick) {
        const v = intervalValues(tick.measurements);
        return analysis.step(tick.index, flaggerCheck(cfg, v.successRate.canary, v.p99.canary));
      },
    };
    return judge;
  };
}
