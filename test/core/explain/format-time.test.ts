import { describe, expect, it } from 'vitest';
import { formatDuration, formatTimeRange, formatUtc, isoTime } from '../../../src/core/explain/format-time.js';

const T = Date.UTC(2024, 2, 5, 3, 0, 0);

describe('time formatting for explanations', () => {
  it('prints durations compactly, largest unit first', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(30 * 60_000)).toBe('30m');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h5m');
    expect(formatDuration(350)).toBe('350ms');
    expect(formatDuration(0)).toBe('0ms');
  });

  it('prints times in UTC whatever the reader’s clock', () => {
    expect(formatUtc(T)).toBe('2024-03-05 03:00 UTC');
    expect(formatUtc(T + 20_000)).toBe('2024-03-05 03:00:20 UTC');
    expect(isoTime(T)).toBe('2024-03-05T03:00:00.000Z');
    expect(isoTime(NaN)).toBeNull();
  });

  it('prints a range with its length, and the end date only when it differs', () => {
    expect(formatTimeRange(T, T + 30 * 60_000)).toBe('2024-03-05 03:00–03:30 UTC (30m)');
    expect(formatTimeRange(T, T + 24 * 3_600_000)).toBe('2024-03-05 03:00–2024-03-06 03:00 UTC (1d)');
    expect(formatTimeRange(T, T + 90_000)).toBe('2024-03-05 03:00:00–03:01:30 UTC (1m30s)');
  });
});
