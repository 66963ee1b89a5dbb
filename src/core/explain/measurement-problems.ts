import type { Measurement } from '../analysis/model.js';
import { isoTime } from './format-time.js';
import type { MetricExplanation } from './types.js';

type ErrorGroup = MetricExplanation['errors'][number];

/**
 * Failed measurements of one metric grouped by (code, message), most frequent first, and the distinct
 * Prometheus warnings. "5 × PROMETHEUS_TIMEOUT" tells on-call more than five identical lines.
 */
export function measurementProblems(measurements: readonly Measurement[]): { errors: ErrorGroup[]; warnings: string[] } {
  const groups = new Map<string, ErrorGroup & { lastMs: number }>();
  const warnings = new Set<string>();
  for (const m of measurements) {
    for (const w of m.warnings ?? []) warnings.add(w);
    if (m.phase !== 'error') continue;
    const code = m.error?.code ?? 'UNKNOWN';
    const message = m.error?.message ?? 'no message recorded';
    const key = `${code}\u0000${message}`;
    const g = groups.get(key) ?? { code, message, retryable: m.error?.retryable ?? true, count: 0, lastAt: null, lastMs: -Infinity };
    g.count += 1;
    if (m.end >= g.lastMs) {
      g.lastMs = m.end;
      g.lastAt = isoTime(m.end);
    }
    groups.set(key, g);
  }
  const errors = [...groups.values()]
    .sort((a, b) => b.count - a.count || b.lastMs - a.lastMs)
    .map(({ lastMs: _lastMs, ...g }) => g);
  return { errors, warnings: [...warnings] };
}
