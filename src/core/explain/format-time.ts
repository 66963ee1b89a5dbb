import { NOT_AVAILABLE } from './format-number.js';

/**
 * Times and durations. Times are epoch milliseconds in and UTC out: an explanation is read by people
 * in several time zones and pasted into incident channels, so it never depends on the reader's clock.
 */

/** ISO 8601 for the JSON shape; null when the time is unknown. */
export function isoTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  return new Date(ms).toISOString();
}

/** "1m30s", "2h5m", "45s", "350ms"; at most three units, largest first. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NOT_AVAILABLE;
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && parts.length < 3) parts.push(`${n}${unit}`);
  }
  return parts.join('');
}

/** "2023-11-14 22:13:20 UTC"; seconds are left out when they are zero. */
export function formatUtc(ms: number | null | undefined): string {
  const iso = isoTime(ms);
  if (iso === null) return NOT_AVAILABLE;
  return `${datePart(iso)} ${clockPart(iso, hasSeconds(iso))} UTC`;
}

/** "2023-11-14 22:13–22:43 UTC (30m)", with the end's date only when it differs from the start's. */
export function formatTimeRange(start: number, end: number): string {
  const a = isoTime(start);
  const b = isoTime(end);
  if (a === null || b === null) return NOT_AVAILABLE;
  const seconds = hasSeconds(a) || hasSeconds(b);
  const to = datePart(a) === datePart(b) ? clockPart(b, seconds) : `${datePart(b)} ${clockPart(b, seconds)}`;
  return `${datePart(a)} ${clockPart(a, seconds)}–${to} UTC (${formatDuration(end - start)})`;
}

function datePart(iso: string): string {
  return iso.slice(0, 10);
}

function hasSeconds(iso: string): boolean {
  return iso.slice(17, 19) !== '00';
}

function clockPart(iso: string, withSeconds: boolean): string {
  return withSeconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

/** An ISO time from an Explanation, as people read it ("2023-11-14 22:43 UTC"). */
export function readableIso(iso: string | null): string {
  return iso === null ? NOT_AVAILABLE : formatUtc(Date.parse(iso));
}
