import type { AnalysisService } from '../analysis/analysis-service.js';
import type { AnalysisStore } from '../core/analysis/analysis-store.js';
import type { Telemetry } from '../telemetry/metrics.js';

/** Everything the HTTP layer needs; built in `main.ts`, faked nowhere (tests build the real pieces). */
export interface ApiDeps {
  service: AnalysisService;
  /** Absent when no fleet and Git repository are configured: rollout routes then answer 503. */
  rollouts?: import('../rollout/rollout-service.js').RolloutService;
  store: AnalysisStore;
  telemetry: Telemetry;
  now: () => number;
  /** Templates loaded, and the files that failed to load (readiness reports them). */
  templates: () => { count: number; problems: Array<{ file: string; field?: string; message: string }> };
  /** Checks a request's templates, args and scopes render, without starting anything (Flagger pre-rollout). */
  validateRequest: (request: import('../core/analysis/model.js').AnalysisRequest) => void;
  /** Is Prometheus answering (pre-rollout check). */
  metricsReachable: () => Promise<boolean>;
  settings: {
    apiToken?: string;
    publicUrl?: string;
    grafanaUrl?: string;
    grafanaDatasource: string;
    defaultAlpha: number;
    bodyLimitBytes: number;
  };
}
