import { describe, expect, it } from 'vitest';
import { rowFires, SRE_WORKBOOK_ROWS } from '../../../src/core/stats/burn-rows.js';

describe('SRE_WORKBOOK_ROWS', () => {
  it('are the SRE Workbook rows for a 30-day SLO, each spending its share of the budget', () => {
    expect(SRE_WORKBOOK_ROWS.map((r) => [r.burnRate, r.longWindow, r.shortWindow])).toEqual([
      [14.4, '1h', '5m'],
      [6, '6h', '30m'],
      [3, '1d', '2h'],
      [1, '3d', '6h'],
    ]);
    const hours = { '1h': 1, '6h': 6, '1d': 24, '3d': 72 } as Record<string, number>;
    for (const row of SRE_WORKBOOK_ROWS) {
      expect((row.burnRate * (hours[row.longWindow] as number)) / (30 * 24)).toBeCloseTo(row.budgetConsumed, 10);
    }
  });
});

describe('rowFires', () => {
  const objective = 0.999; // threshold at 14.4× is an error ratio of 0.0144

  it('fires only when both windows exceed burnRate × (1 − objective)', () => {
    expect(rowFires(0.02, 0.03, objective, 14.4)).toBe(true);
    expect(rowFires(0.02, 0.01, objective, 14.4)).toBe(false); // burn already stopped
    expect(rowFires(0.01, 0.03, objective, 14.4)).toBe(false); // a short spike only
  });

  it('does not fire exactly at the threshold (strict >, as Sloth and Pyrra generate)', () => {
    expect(rowFires(0.0144, 0.0144, objective, 14.4)).toBe(false);
    expect(rowFires(0.006, 0.0061, objective, 6)).toBe(false);
  });

  it('is null when a window has no data', () => {
    expect(rowFires(null, 0.5, objective, 14.4)).toBeNull();
    expect(rowFires(0.5, null, objective, 14.4)).toBeNull();
    expect(rowFires(Number.NaN, 0.5, objective, 14.4)).toBeNull();
    expect(rowFires(0.5, Infinity, objective, 14.4)).toBeNull();
  });
});
