/**
 * What one benchmark scenario is: traffic, the canary's weight over time, error and latency models,
 * and the true effect of the release. Plain data, so the catalogue reads as a table and a worker
 * can rebuild a scenario from its id.
 */

/** Canary weight per interval: a fixed share, or the progressive steps 5 → 10 → 25 → 50% over the budget. */
export type Split = { kind: 'fixed'; canary: number } | { kind: 'steps'; weights: readonly number[] };

/**
 * Errors that are not independent Bernoulli trials (STATISTICS.md, "Assumptions that break").
 * - `beta`: each interval each arm's error probability is drawn from a Beta with the interval's mean
 *   and this concentration (smaller = burstier); `shared` draws one probability for both arms (an
 *   incident in a shared dependency), otherwise each arm draws its own (pods misbehaving on their own).
 * - `bursts`: a share of the errors arrives in bursts (a bad pod, a retry storm) of geometric size
 *   with this mean; bursts land in an arm in proportion to its traffic, so the mean is unchanged.
 */
export type Overdispersion =
  | { kind: 'beta'; concentration: number; shared: boolean }
  | { kind: 'bursts'; share: number; meanSize: number };

/** Load that moves: total rate × (1 + amplitude·sin(2π(t + phase)/period)), phase random per run. */
export interface Load {
  amplitude: number;
  periodMinutes: number;
  /** Error probability ∝ (load / mean load)^elasticity: busy periods fail more, in both arms. */
  errorElasticity: number;
}

export interface LatencyModel {
  /** Baseline latency is lognormal with this median and 99th percentile (seconds). */
  medianSeconds: number;
  p99Seconds: number;
}

export type ScenarioKind = 'no-change' | 'errors' | 'latency';

export interface Scenario {
  id: string;
  title: string;
  kind: ScenarioKind;
  /** Mean requests per second over both arms. */
  totalRps: number;
  split: Split;
  /** The step's time budget: analyses last this long; power is measured within it. */
  budgetMinutes: number;
  baselineErrorRate: number;
  /** Canary error probability = baseline × this. */
  errorEffect: number;
  latency: LatencyModel;
  /** Canary p99 = baseline p99 × (1 + this), median unchanged: a regression at the tail. */
  latencyTailIncrease: number;
  load?: Load;
  overdispersion?: Overdispersion;
  /**
   * Counts as Prometheus' `increase()` reports them when a window holds fewer scrapes than it spans:
   * the requests of a part of the minute (1/this), scaled by this (4/3 for 1m at a 15 s scrape) —
   * not whole, and overdispersed by this factor. Absent: whole counts, as from an exact counter.
   */
  extrapolation?: number;
  /** The no-change scenario with the same traffic, whose false-rollback rates this one's detections are weighed against. */
  twin?: string;
  /** Simulated rollouts in the full run and in --quick. */
  runs: { full: number; quick: number };
}

export const INTERVAL_MINUTES = 1;
export const INTERVAL_MS = 60_000;

/** Canary share of the traffic in interval i (0-based); steps last budget/4 each, the last one holds. */
export function canaryShare(s: Scenario, i: number): number {
  if (s.split.kind === 'fixed') return s.split.canary;
  const w = s.split.weights;
  const step = Math.min(w.length - 1, Math.floor((i * w.length) / s.budgetMinutes));
  return w[step] as number;
}

/** Canary req/s at the smallest and largest weight, for tables. */
export function canaryRpsRange(s: Scenario): [number, number] {
  const shares = s.split.kind === 'fixed' ? [s.split.canary] : s.split.weights;
  return [s.totalRps * Math.min(...shares), s.totalRps * Math.max(...shares)];
}
