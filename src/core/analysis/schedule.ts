import type { AnalysisRequest } from './model.js';

/**
 * The tick plan of an analysis: tick k measures the interval (start + (k−1)·interval, start + k·interval].
 * Live and retrospective runs use the same plan, which is what makes a replay see exactly what a live
 * run saw. A trailing partial interval is not measured.
 */
export function lastTickEnd(request: Pick<AnalysisRequest, 'startTime' | 'endTime' | 'intervalMs' | 'maxDurationMs'>): number {
  const horizon = Math.min(request.maxDurationMs, request.endTime === undefined ? Infinity : request.endTime - request.startTime);
  const ticks = Math.floor(horizon / request.intervalMs);
  return request.startTime + ticks * request.intervalMs;
}

export function tickCount(request: Pick<AnalysisRequest, 'startTime' | 'endTime' | 'intervalMs' | 'maxDurationMs'>): number {
  return Math.round((lastTickEnd(request) - request.startTime) / request.intervalMs);
}

/** Ends of the ticks that are due at `now` and not yet measured, oldest first (catch-up after a pause). */
export function dueTickEnds(
  analysis: { lastTickEnd: number; request: Pick<AnalysisRequest, 'startTime' | 'endTime' | 'intervalMs' | 'maxDurationMs'> },
  now: number,
  settleDelayMs = 0,
): number[] {
  const out: number[] = [];
  const final = lastTickEnd(analysis.request);
  for (let end = analysis.lastTickEnd + analysis.request.intervalMs; end <= final && end + settleDelayMs <= now; end += analysis.request.intervalMs) {
    out.push(end);
  }
  return out;
}
