import type { SeriesHistory } from './promql-lite.js';

/**
 * Cumulative counter values of a fixed set of series, snapshotted at each workload tick. A lookup
 * at time t reads the newest snapshot at or before t — what Prometheus' last sample would be with
 * a scrape every tick. Snapshots older than `retentionMs` are dropped; a window reaching past the
 * oldest one starts at it (the demo's long burn-rate windows then cover the whole run).
 */
export class SnapshotHistory implements SeriesHistory {
  private readonly times: number[] = [];
  private readonly snapshots: Float64Array[] = [];
  private dropped = false;

  constructor(
    readonly series: ReadonlyArray<{ name: string; labels: Readonly<Record<string, string>> }>,
    private readonly retentionMs: number,
  ) {}

  record(at: number, values: Float64Array): void {
    if (values.length !== this.series.length) throw new RangeError('one value per series');
    if (this.times.length > 0 && at < this.times.at(-1)!) throw new RangeError('snapshots must be recorded in time order');
    this.times.push(at);
    this.snapshots.push(Float64Array.from(values));
    let drop = 0;
    while (drop < this.times.length - 1 && this.times[drop]! < at - this.retentionMs) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.snapshots.splice(0, drop);
      this.dropped = true;
    }
  }

  valueAt(index: number, t: number): number | undefined {
    let lo = 0;
    let hi = this.times.length - 1;
    if (hi < 0) return undefined;
    if (t < this.times[0]!) return this.dropped ? this.snapshots[0]![index] : undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.snapshots[lo]![index];
  }
}
