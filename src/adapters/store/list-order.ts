import { InvalidCursorError } from '../../errors/store-errors.js';
import type { Analysis } from '../../core/analysis/model.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/**
 * The listing order of both stores as one string: zero-padded `createdAt`, then the id. Sorting these
 * strings sorts by (createdAt, id), which is what Redis's lexicographic sorted-set ranges need, and a
 * cursor is simply the sort key of the last analysis on a page. Negative or fractional times (not
 * expected: epoch ms) are truncated into range so the order stays total.
 */
export function sortKey(analysis: Pick<Analysis, 'createdAt' | 'id'>): string {
  const ms = Math.min(Math.max(0, Math.trunc(analysis.createdAt)), 9_999_999_999_999_999);
  return `${String(ms).padStart(16, '0')}|${analysis.id}`;
}

export function idOfSortKey(key: string): string {
  return key.slice(17);
}

const SORT_KEY = /^\d{16}\|.+$/s;

export function encodeCursor(sortKeyOfLast: string): string {
  return Buffer.from(sortKeyOfLast, 'utf8').toString('base64url');
}

/** The sort key a cursor stands for; throws InvalidCursorError for anything else. */
export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!SORT_KEY.test(decoded) || encodeCursor(decoded) !== cursor) throw new InvalidCursorError();
  return decoded;
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.trunc(limit)));
}
