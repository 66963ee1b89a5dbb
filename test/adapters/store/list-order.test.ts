import { describe, expect, it } from 'vitest';
import { clampLimit, decodeCursor, encodeCursor, idOfSortKey, sortKey } from '../../../src/adapters/store/list-order.js';
import { InvalidCursorError } from '../../../src/errors/store-errors.js';

describe('list order and cursors', () => {
  it('sorts sort keys as strings in (createdAt, id) order', () => {
    const keys = [
      sortKey({ createdAt: 10_000, id: 'a' }),
      sortKey({ createdAt: 9, id: 'z' }),
      sortKey({ createdAt: 10_000, id: 'b' }),
    ];
    expect([...keys].sort().map(idOfSortKey)).toEqual(['z', 'a', 'b']);
  });

  it('round-trips a cursor and rejects anything it did not encode', () => {
    const key = sortKey({ createdAt: 1_700_000_000_000, id: 'id|with|pipes' });
    expect(decodeCursor(encodeCursor(key))).toBe(key);
    for (const bad of ['', 'not-a-cursor', encodeCursor('123|x'), `${encodeCursor(key)}=`]) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
  });

  it('defaults the page size to 100 and clamps it to 1..1000', () => {
    expect(clampLimit(undefined)).toBe(100);
    expect(clampLimit(Number.NaN)).toBe(100);
    expect(clampLimit(0)).toBe(1);
    expect(clampLimit(-5)).toBe(1);
    expect(clampLimit(2.9)).toBe(2);
    expect(clampLimit(5000)).toBe(1000);
  });
});
