import { describe, expect, it } from 'vitest';
import {
  formatAlpha,
  formatConfidence,
  formatCount,
  formatEValue,
  formatNumber,
  formatPercent,
  formatRatio,
  formatSeconds,
} from '../../../src/core/explain/format-number.js';

describe('number formatting for explanations', () => {
  it('prints small error rates with enough digits to tell 0.05% from 0%', () => {
    expect(formatPercent(0.0005)).toBe('0.050%');
    expect(formatPercent(0.011)).toBe('1.10%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('prints ratios with a × and infinity as ∞', () => {
    expect(formatRatio(2.2)).toBe('2.20×');
    expect(formatRatio(40)).toBe('40.0×');
    expect(formatRatio(Infinity)).toBe('∞');
  });

  it('prints latency in milliseconds below one second and in seconds above', () => {
    expect(formatSeconds(0.25)).toBe('250 ms');
    expect(formatSeconds(0.0025)).toBe('2.5 ms');
    expect(formatSeconds(1.5)).toBe('1.50 s');
  });

  it('groups thousands in counts and keeps fractional small counts from increase()', () => {
    expect(formatCount(10_900)).toBe('10,900');
    expect(formatCount(1234.6)).toBe('1,235');
    expect(formatCount(12.34)).toBe('12.3');
  });

  it('prints e-values from their natural log as plain numbers while they fit', () => {
    expect(formatEValue(Math.log(412))).toBe('412');
    expect(formatEValue(Math.log(3.2))).toBe('3.2');
    expect(formatEValue(Math.log(0.041))).toBe('0.041');
    expect(formatEValue(Math.log(123_456))).toBe('123,456');
  });

  it('switches e-values to scientific notation beyond a million and below 0.01', () => {
    expect(formatEValue(Math.log(3.4e12))).toBe('3.4e12');
    expect(formatEValue(-40)).toBe('4.2e-18');
    expect(formatEValue(5000)).toMatch(/^\d\.\de2171$/);
    expect(formatEValue(Infinity)).toBe('∞');
    expect(formatEValue(-Infinity)).toBe('0');
  });

  it('never rounds a confidence level up to 100%', () => {
    expect(formatConfidence(0.975)).toBe('97.5%');
    expect(formatConfidence(0.99)).toBe('99%');
    expect(formatConfidence(0.999983)).toBe('99.998%');
  });

  it('prints α with two significant digits', () => {
    expect(formatAlpha(0.05 / 3)).toBe('0.017');
    expect(formatAlpha(0.05)).toBe('0.05');
  });

  it('answers n/a for null, undefined and NaN instead of printing them', () => {
    for (const f of [formatPercent, formatRatio, formatSeconds, formatCount, formatEValue, formatConfidence, formatAlpha, formatNumber]) {
      expect(f(null)).toBe('n/a');
      expect(f(undefined)).toBe('n/a');
      expect(f(NaN)).toBe('n/a');
    }
  });
});
