/**
 * Multi-window, multi-burn-rate alert rows (Google SRE Workbook, "Alerting on SLOs", table 5-8,
 * for a 30-day SLO; the 1d/2h row is the one Sloth and Pyrra add). A row fires when the error
 * ratio over both its long and its short window exceeds burnRate × (1 − objective): the long
 * window gives significance, the short one makes the alert stop soon after the burn stops.
 */

export interface BurnRow {
  burnRate: number;
  longWindow: string;
  shortWindow: string;
  /** Share of a 30-day error budget spent when the row's burn lasts its long window. */
  budgetConsumed: number;
  severity: 'page' | 'ticket';
}

export const SRE_WORKBOOK_ROWS: readonly BurnRow[] = [
  { burnRate: 14.4, longWindow: '1h', shortWindow: '5m', budgetConsumed: 0.02, severity: 'page' },
  { burnRate: 6, longWindow: '6h', shortWindow: '30m', budgetConsumed: 0.05, severity: 'page' },
  { burnRate: 3, longWindow: '1d', shortWindow: '2h', budgetConsumed: 0.1, severity: 'ticket' },
  { burnRate: 1, longWindow: '3d', shortWindow: '6h', budgetConsumed: 0.1, severity: 'ticket' },
];

/**
 * Whether a row fires: both error ratios strictly above burnRate·(1 − objective), the comparison
 * Sloth and Pyrra generate. null when either window has no data (null, NaN or ±∞ is not data).
 */
export function rowFires(
  longRatio: number | null,
  shortRatio: number | null,
  objective: number,
  burnRate: number,
): boolean | null {
  if (longRatio === null || shortRatio === null) return null;
  if (!Number.isFinite(longRatio) || !Number.isFinite(shortRatio)) return null;
  const threshold = burnRate * (1 - objective);
  return longRatio > threshold && shortRatio > threshold;
}
