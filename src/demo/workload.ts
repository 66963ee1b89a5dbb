import { Counter, Histogram, Registry } from 'prom-client';
import { normalQuantile } from '../core/stats/normal.js';
import { poisson } from '../core/stats/random.js';
import { SnapshotHistory } from './snapshot-history.js';

/** How a version of the service behaves: its share of 5xx and its latency (lognormal). */
export interface VersionProfile {
  errorRate: number;
  medianSeconds: number;
  /** σ of log-latency. */
  sigma: number;
}

const HEALTHY: VersionProfile = { errorRate: 0.005, medianSeconds: 0.06, sigma: 0.5 };
const BAD: VersionProfile = { errorRate: 0.05, medianSeconds: 0.12, sigma: 0.6 };

/** payments 1.4.1 and 1.4.2 are healthy; 1.5.0 fails one request in twenty and is twice as slow. */
export function demoProfile(version: string): VersionProfile {
  return version === '1.5.0' ? BAD : HEALTHY;
}

/** prom-client's default buckets, the ones most services export. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CODES = ['200', '500'] as const;

export interface WorkloadOptions {
  service: string;
  clusters: readonly string[];
  /** Mean requests per second per cluster (Poisson arrivals). */
  requestsPerSecond: number;
  /** Which versions serve a cluster's traffic now, as shares summing to 1. */
  serving: (cluster: string, now: number) => Array<{ version: string; share: number }>;
  profile: (version: string) => VersionProfile;
  /** Uniform on [0, 1): the whole run is replayed from its seed. */
  random: () => number;
  now: () => number;
  tickMs?: number;
  /** How long the in-memory history keeps its snapshots (default 15 min). */
  historyMs?: number;
}

/**
 * Synthetic traffic for every cluster of the fleet: each tick draws the requests each cluster served,
 * splits them by the versions it runs, and counts them twice — in a prom-client registry (what a real
 * Prometheus scrapes at `/metrics`) and in an in-memory history of the same cumulative series (what
 * the simulated metrics source reads when no Prometheus is installed).
 */
export class SyntheticWorkload {
  readonly registry = new Registry();
  readonly history: SnapshotHistory;
  private readonly requests: Counter<'service' | 'cluster' | 'code'>;
  private readonly duration: Histogram<'service' | 'cluster'>;
  /** Cumulative values in history order: per cluster, the codes, then the buckets (+Inf last). */
  private readonly values: Float64Array;
  private timer: NodeJS.Timeout | null = null;
  private lastTick: number;

  constructor(private readonly opts: WorkloadOptions) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests served', labelNames: ['service', 'cluster', 'code'], registers });
    this.duration = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['service', 'cluster'], buckets: LATENCY_BUCKETS, registers });
    const series = opts.clusters.flatMap((cluster) => [
      ...CODES.map((code) => ({ name: 'http_requests_total', labels: { service: opts.service, cluster, code } })),
      ...[...LATENCY_BUCKETS.map(String), '+Inf'].map((le) => ({ name: 'http_request_duration_seconds_bucket', labels: { service: opts.service, cluster, le } })),
    ]);
    this.values = new Float64Array(series.length);
    this.history = new SnapshotHistory(series, opts.historyMs ?? 15 * 60_000);
    this.lastTick = opts.now();
    this.history.record(this.lastTick, this.values);
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(this.opts.now()), this.opts.tickMs ?? 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Serves the requests that arrived since the last tick. */
  tick(now: number): void {
    const seconds = Math.max(0, now - this.lastTick) / 1000;
    this.lastTick = now;
    const { random, service } = this.opts;
    const stride = CODES.length + LATENCY_BUCKETS.length + 1;
    this.opts.clusters.forEach((cluster, c) => {
      const n = poisson(random, this.opts.requestsPerSecond * seconds);
      const mix = this.opts.serving(cluster, now);
      for (let i = 0; i < n; i++) {
        const p = this.opts.profile(pick(mix, random()));
        const code = random() < p.errorRate ? 1 : 0;
        const latency = p.medianSeconds * Math.exp(p.sigma * normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, random()))));
        this.requests.inc({ service, cluster, code: CODES[code] });
        this.duration.observe({ service, cluster }, latency);
        const base = c * stride;
        this.values[base + code]! += 1;
        LATENCY_BUCKETS.forEach((le, b) => {
          if (latency <= le) this.values[base + CODES.length + b]! += 1;
        });
        this.values[base + stride - 1]! += 1;
      }
    });
    this.history.record(now, this.values);
  }
}

function pick(mix: Array<{ version: string; share: number }>, u: number): string {
  let acc = 0;
  for (const m of mix) {
    acc += m.share;
    if (u < acc) return m.version;
  }
  return mix.at(-1)?.version ?? 'unknown';
}
