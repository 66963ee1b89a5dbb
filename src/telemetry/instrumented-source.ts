import type { MetricsSource } from '../core/analysis/metrics-source.js';
import type { Telemetry } from './metrics.js';

/** Wraps a MetricsSource to time every Prometheus call; behaviour is unchanged. */
export function instrumentSource(source: MetricsSource, telemetry: Telemetry, now: () => number = () => performance.now()): MetricsSource {
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const t0 = now();
    try {
      const r = await call();
      telemetry.observeQuery((now() - t0) / 1000, 'ok');
      return r;
    } catch (err) {
      telemetry.observeQuery((now() - t0) / 1000, 'error');
      throw err;
    }
  };
  return {
    instant: (q, at, signal) => timed(() => source.instant(q, at, signal)),
    range: (q, s, e, step, signal) => timed(() => source.range(q, s, e, step, signal)),
  };
}
