import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Analysis, Measurement } from '../core/analysis/model.js';

/**
 * What Grafana charts per template, metric and verdict. The registry is passed in so tests get a
 * fresh one; label values come from templates (bounded), never from request ids.
 */
export interface Telemetry {
  registry: Registry;
  recordChange(before: Analysis | null, after: Analysis, measurements: readonly Measurement[]): void;
  observeQuery(seconds: number, outcome: 'ok' | 'error'): void;
  /** One HTTP answer; `route` is the route pattern (bounded), never the raw URL. */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Wall time of one tick or replay of an analysis. */
  observeTick(seconds: number): void;
  countError(code: string): void;
}

export function createTelemetry(registry = new Registry(), opts: { defaultMetrics?: boolean } = {}): Telemetry {
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'wavegate_process_' });
  const verdicts = new Counter({ name: 'wavegate_analysis_verdicts_total', help: 'Analyses decided, by verdict and mode.', labelNames: ['verdict', 'mode'], registers: [registry] });
  const metricVerdicts = new Counter({ name: 'wavegate_metric_verdicts_total', help: 'Metric verdicts, by template, metric, kind and verdict.', labelNames: ['template', 'metric', 'kind', 'verdict'], registers: [registry] });
  const scores = new Histogram({ name: 'wavegate_analysis_score', help: 'Scores (0-100) of decided analyses.', labelNames: ['verdict'], buckets: [0, 25, 50, 75, 90, 95, 99, 100], registers: [registry] });
  const evidence = new Gauge({ name: 'wavegate_metric_log_evidence', help: 'Latest ln e-value of a running or decided metric (threshold is ln(1/alpha)).', labelNames: ['template', 'metric'], registers: [registry] });
  const dispersion = new Gauge({ name: 'wavegate_metric_dispersion', help: 'Latest overdispersion φ a metric\'s evidence was divided by (1 = independent bad events; 50 = too bursty to judge).', labelNames: ['template', 'metric'], registers: [registry] });
  const evidenceThreshold = new Gauge({ name: 'wavegate_metric_log_evidence_threshold', help: 'ln(1/alpha) of the latest metric judged: wavegate_metric_log_evidence at or above it fails the metric.', labelNames: ['template', 'metric'], registers: [registry] });
  const http = new Histogram({ name: 'wavegate_http_request_duration_seconds', help: 'API and hook answer time, by method, route and status (Argo and Flagger give up after 10 s).', labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10], registers: [registry] });
  const measurements = new Counter({ name: 'wavegate_measurements_total', help: 'Measurements taken, by template, metric and phase (ok, nodata, error).', labelNames: ['template', 'metric', 'phase'], registers: [registry] });
  const measurementSeconds = new Histogram({ name: 'wavegate_measurement_duration_seconds', help: 'Wall time of one tick or replay (all metrics of an analysis).', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] });
  const querySeconds = new Histogram({ name: 'wavegate_prometheus_query_duration_seconds', help: 'Prometheus query latency, by outcome.', labelNames: ['outcome'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
  const active = new Gauge({ name: 'wavegate_active_analyses', help: 'Analyses still running in this process view.', labelNames: ['mode'], registers: [registry] });
  const errors = new Counter({ name: 'wavegate_errors_total', help: 'Errors returned or recorded, by stable error code.', labelNames: ['code'], registers: [registry] });

  return {
    registry,
    recordChange(before, after, taken) {
      if (before === null) active.inc({ mode: after.mode });
      for (const m of taken) {
        measurements.inc({ template: m.template, metric: m.metric, phase: m.phase });
        if (m.error) errors.inc({ code: m.error.code });
      }
      for (const m of after.metrics) {
        if (m.evidence.logEValue !== undefined && Number.isFinite(m.evidence.logEValue)) evidence.set({ template: m.template, metric: m.name }, m.evidence.logEValue);
        if (m.evidence.logThreshold !== undefined && Number.isFinite(m.evidence.logThreshold)) evidenceThreshold.set({ template: m.template, metric: m.name }, m.evidence.logThreshold);
        const phi = m.evidence.estimates?.dispersion;
        if (typeof phi === 'number' && Number.isFinite(phi)) dispersion.set({ template: m.template, metric: m.name }, phi);
        const was = before?.metrics.find((b) => b.template === m.template && b.name === m.name);
        if (m.verdict !== 'running' && was?.verdict === 'running') metricVerdicts.inc({ template: m.template, metric: m.name, kind: m.kind, verdict: m.verdict });
      }
      if (before?.verdict === 'running' && after.verdict !== 'running') {
        verdicts.inc({ verdict: after.verdict, mode: after.mode });
        if (after.score !== null) scores.observe({ verdict: after.verdict }, after.score);
        active.dec({ mode: after.mode });
      }
    },
    observeQuery(seconds, outcome) {
      querySeconds.observe({ outcome }, seconds);
    },
    observeHttp(method, route, status, seconds) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
    observeTick(seconds) {
      measurementSeconds.observe(seconds);
    },
    countError(code) {
      errors.inc({ code });
    },
  };
}
