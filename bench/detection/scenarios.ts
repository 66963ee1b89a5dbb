/**
 * The scenario catalogue. Every scenario simulates both metrics (5xx counts and latency
 * histograms); the effect, if any, is on one of them. Canary weight is a fixed 10% unless the
 * scenario steps 5 → 10 → 25 → 50%. Baseline latency: median 80 ms, p99 350 ms (Prometheus's
 * bucket-interpolated p99 of that distribution is about 440 ms, under the peers' 500 ms bound).
 * Budgets: 15 minutes at ≥ 5 canary req/s, 30 minutes below.
 */
import type { Scenario } from './scenario.js';

const LATENCY = { medianSeconds: 0.08, p99Seconds: 0.35 };
const STEPS = { kind: 'steps', weights: [0.05, 0.1, 0.25, 0.5] } as const;
const NULL_RUNS = { full: 2000, quick: 100 };
/** Fewer quick runs for 30-minute no-change scenarios, so the CI guarantee test stays near 15 s of CPU. */
const NULL_QUICK_LONG = 60;
const EFFECT_RUNS = { full: 500, quick: 40 };

type Overrides = Partial<Scenario> & Pick<Scenario, 'id' | 'title'>;

/** A scenario with canary at `canaryRps` on a fixed 10% weight, no effect, stationary, unless overridden. */
function scenario(canaryRps: number, errorRate: number, o: Overrides): Scenario {
  const budgetMinutes = canaryRps >= 5 ? 15 : 30;
  const base: Scenario = {
    id: o.id,
    title: o.title,
    kind: 'no-change',
    totalRps: canaryRps / 0.1,
    split: { kind: 'fixed', canary: 0.1 },
    budgetMinutes,
    baselineErrorRate: errorRate,
    errorEffect: 1,
    latency: LATENCY,
    latencyTailIncrease: 0,
    runs: NULL_RUNS,
  };
  const s = { ...base, ...o };
  if (o.runs === undefined) s.runs = s.kind === 'no-change' ? { ...NULL_RUNS, quick: s.budgetMinutes > 15 ? NULL_QUICK_LONG : NULL_RUNS.quick } : EFFECT_RUNS;
  return s;
}

const pct = (rate: number) => `${+(rate * 100).toPrecision(6)}`;

/** The no-change scenario of a traffic level, if the catalogue has one. */
const twinOf = (canaryRps: number, rate: number) => `null-${canaryRps}rps-${pct(rate)}pct`;

const errors = (canaryRps: number, rate: number, effect: number, extra: Partial<Scenario> = {}) => {
  const { id, title, ...rest } = extra;
  return scenario(canaryRps, rate, {
    id: `err-${effect}x-${canaryRps}rps-${pct(rate)}pct${id ? `-${id}` : ''}`,
    title: `${effect}× errors from ${pct(rate)}% at ${canaryRps} canary req/s${title ? `, ${title}` : ''}`,
    twin: twinOf(canaryRps, rate),
    ...rest,
    kind: 'errors',
    errorEffect: effect,
  });
};

const latency = (canaryRps: number, rate: number, increase: number) =>
  scenario(canaryRps, rate, {
    id: `lat-${Math.round(increase * 100)}pct-${canaryRps}rps`,
    title: `p99 +${Math.round(increase * 100)}% at ${canaryRps} canary req/s`,
    twin: twinOf(canaryRps, rate),
    kind: 'latency',
    latencyTailIncrease: increase,
  });

const noChange = (canaryRps: number, rate: number, extra: Partial<Scenario> = {}) =>
  scenario(canaryRps, rate, { id: twinOf(canaryRps, rate), title: `no change, ${canaryRps} canary req/s, ${pct(rate)}% errors`, ...extra });

export const SCENARIOS: Scenario[] = [
  // No change: the false-rollback rate.
  noChange(10, 0.005),
  noChange(1, 0.02),
  noChange(0.2, 0.02),
  noChange(50, 0.0005),
  noChange(10, 0.005, { id: 'null-steps', title: 'no change, weights 5→10→25→50% of 100 req/s', totalRps: 100, split: STEPS, budgetMinutes: 30 }),
  noChange(10, 0.005, { id: 'null-surge', title: 'no change, weights stepping while load surges ±60% (1 h period), errors ∝ load²', totalRps: 100, split: STEPS, budgetMinutes: 30, load: { amplitude: 0.6, periodMinutes: 60, errorElasticity: 2 } }),
  noChange(10, 0.005, { id: 'null-daily', title: 'no change, daily load cycle ±50% (random hour), errors ∝ load', budgetMinutes: 30, load: { amplitude: 0.5, periodMinutes: 1440, errorElasticity: 1 } }),
  noChange(10, 0.005, { id: 'null-shared-incidents', title: 'no change, error rate jumping for both arms alike (one Beta draw per interval, κ=100)', overdispersion: { kind: 'beta', concentration: 100, shared: true } }),
  noChange(10, 0.005, { id: 'null-od-beta', title: 'no change, overdispersed: each arm\'s rate drawn per interval (Beta, κ=500)', overdispersion: { kind: 'beta', concentration: 500, shared: false } }),
  noChange(10, 0.005, { id: 'null-od-retries', title: 'no change, overdispersed: half the errors in retry clusters (mean size 3)', overdispersion: { kind: 'bursts', share: 0.5, meanSize: 3 } }),
  noChange(10, 0.005, { id: 'null-od-bad-pod', title: 'no change, overdispersed: 30% of errors in bad-pod bursts (mean size 20)', overdispersion: { kind: 'bursts', share: 0.3, meanSize: 20 } }),
  noChange(10, 0.005, { id: 'null-prometheus-counts', title: 'no change, counts as increase() reports them: 45 s of each minute scaled by 4/3 (1m window, 15 s scrape)', extrapolation: 4 / 3 }),

  // Error-rate regressions.
  // The targets' own scenarios (power ≥ 99% within 15 minutes) run as often as the no-change ones,
  // so that their power is known to ±0.5 points.
  ...[1.2, 1.5, 2, 4, 10].map((e) => errors(10, 0.005, e, e >= 2 ? { runs: { full: NULL_RUNS.full, quick: EFFECT_RUNS.quick } } : {})),
  ...[2, 4, 10].map((e) => errors(1, 0.02, e)),
  ...[2, 4, 10].map((e) => errors(0.2, 0.02, e)),
  ...[1.5, 2, 4].map((e) => errors(50, 0.0005, e)),
  errors(10, 0.001, 3, { title: 'the peers\' absolute thresholds are blind to it', twin: undefined }),
  { ...errors(10, 0.005, 2, { id: 'steps', totalRps: 100, split: STEPS, budgetMinutes: 30, twin: 'null-steps' }), title: '2× errors from 0.5%, canary weight 5→10→25→50% of 100 req/s' },
  errors(10, 0.005, 2, { id: 'retries', title: 'half the errors in retry clusters', overdispersion: { kind: 'bursts', share: 0.5, meanSize: 3 }, twin: 'null-od-retries' }),
  errors(10, 0.005, 2, { id: 'prometheus-counts', title: 'counts as increase() reports them (×4/3 of 45 s)', extrapolation: 4 / 3, twin: 'null-prometheus-counts' }),

  // Latency regressions at the tail (p99 up, median unchanged).
  ...[0.1, 0.25, 0.5].map((i) => latency(10, 0.005, i)),
  latency(1, 0.02, 0.25),
  latency(50, 0.0005, 0.5),
];

export function scenarioById(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown scenario ${id}`);
  return s;
}
