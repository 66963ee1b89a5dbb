import type { Analysis } from '../../core/analysis/model.js';

/**
 * JSON for stored analyses. Plain JSON would turn Infinity and NaN into null (an interval's upper bound
 * is Infinity when the baseline has no events yet), so a replay from the store would see different
 * evidence than the memory store keeps. Non-finite numbers are written as a tagged object instead.
 */
const TAG = '$wavegateNumber';

export function encodeJson<T>(value: T): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [TAG]: String(v) } : v));
}

export function decodeJson<T>(json: string): T {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && TAG in value && Object.keys(value).length === 1) {
      return Number((value as Record<string, string>)[TAG]);
    }
    return value;
  }) as T;
}

export const encodeAnalysis = (analysis: Analysis): string => encodeJson(analysis);
export const decodeAnalysis = (json: string): Analysis => decodeJson<Analysis>(json);
