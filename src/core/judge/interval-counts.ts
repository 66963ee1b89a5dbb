import type { Counts, Measurement, MeasurementData } from '../analysis/model.js';
import type { IntervalCounts } from '../stats/rate-ratio.js';

type DataOf<K extends MeasurementData['kind']> = Extract<MeasurementData, { kind: K }>;

/** The data of the measurements that are evidence at all (phase ok, right kind), in time order. */
export function okData<K extends MeasurementData['kind']>(measurements: readonly Measurement[], kind: K): DataOf<K>[] {
  const out: DataOf<K>[] = [];
  for (const m of measurements) {
    if (m.phase === 'ok' && m.data?.kind === kind) out.push(m.data as DataOf<K>);
  }
  return out;
}

/**
 * Per-interval counts in the shape the rate tests take: A = baseline, B = canary. Negative values
 * (Prometheus extrapolation around counter resets) are clamped to 0 and bad ≤ total is enforced so
 * a quirk of `increase()` can never create evidence out of nothing.
 */
export function toIntervalCounts(baseline: Counts, canary: Counts): IntervalCounts {
  const nA = Math.max(0, baseline.total);
  const nB = Math.max(0, canary.total);
  return {
    nA,
    xA: Math.min(nA, Math.max(0, baseline.bad)),
    nB,
    xB: Math.min(nB, Math.max(0, canary.bad)),
  };
}

/** For metrics where lower is worse, test the complement (good events become the "bad" ones). */
export function complement(c: Counts): Counts {
  return { total: c.total, bad: Math.max(0, c.total - c.bad) };
}

export function sumIntervals(intervals: readonly IntervalCounts[]): IntervalCounts {
  const s = { nA: 0, xA: 0, nB: 0, xB: 0 };
  for (const i of intervals) {
    s.nA += i.nA;
    s.xA += i.xA;
    s.nB += i.nB;
    s.xB += i.xB;
  }
  return s;
}
