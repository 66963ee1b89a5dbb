import type { Analysis } from '../../src/core/analysis/model.js';
import type { AnalysisStore } from '../../src/core/analysis/analysis-store.js';
import type { Tickable } from '../../src/jobs/tick-scheduler.js';

/** Polls `check` every 20 ms until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A clock faster than real time over recorded history: `rate` clock ms per real ms from `t0`.
 * Its parameters travel to worker processes so that every process reads the same time.
 */
export function fastClock(base: number, rate: number) {
  const t0 = Date.now();
  return { base, t0, rate, now: () => base + (Date.now() - t0) * rate };
}

/**
 * A stand-in for AnalysisService.tick over a real store: each call measures one interval (advances
 * `lastTickEnd` by compare-and-set). Tests replace `tick` per call to make it fail, hang or find the
 * lease busy.
 */
export class FakeTicker implements Tickable {
  readonly calls: string[] = [];
  private readonly plans = new Map<string, Array<(id: string) => Promise<Analysis | null>>>();

  constructor(private readonly store: AnalysisStore) {}

  /** Replaces the next ticks of analysis `id`, in order; then the default behaviour resumes. */
  plan(id: string, ...steps: Array<(id: string) => Promise<Analysis | null>>): void {
    this.plans.set(id, [...(this.plans.get(id) ?? []), ...steps]);
  }

  async tick(id: string): Promise<Analysis | null> {
    this.calls.push(id);
    const planned = this.plans.get(id)?.shift();
    if (planned) return planned(id);
    return this.advance(id);
  }

  nextDueAt(a: Analysis): number | null {
    return a.verdict === 'running' ? a.lastTickEnd + a.request.intervalMs : null;
  }

  async advance(id: string): Promise<Analysis | null> {
    const a = await this.store.get(id);
    if (!a) return null;
    return this.store.update({ ...a, lastTickEnd: a.lastTickEnd + a.request.intervalMs }, a.revision);
  }
}

/**
 * Every tick measured once: per metric, the measured interval ends are start + k·interval for
 * k = 1…n with no gap and no repeat, and the analysis was written once per tick (revision = n).
 */
export function tickEndsOf(a: Analysis): Map<string, number[]> {
  const ends = new Map<string, number[]>();
  for (const m of a.measurements) {
    const key = `${m.template}/${m.metric}`;
    ends.set(key, [...(ends.get(key) ?? []), m.end]);
  }
  return ends;
}

export function expectedEnds(a: Analysis): number[] {
  const n = Math.round((a.lastTickEnd - a.request.startTime) / a.request.intervalMs);
  return Array.from({ length: n }, (_, i) => a.request.startTime + (i + 1) * a.request.intervalMs);
}
