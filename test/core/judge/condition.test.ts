import { describe, expect, it } from 'vitest';
import { compileCondition, ConditionSyntaxError } from '../../../src/core/judge/condition.js';

describe('Argo-style conditions', () => {
  it('compares the single value of a measurement as `result`', () => {
    expect(compileCondition('result < 0.01').test([0.005])).toBe(true);
    expect(compileCondition('result < 0.01').test([0.02])).toBe(false);
  });

  it('indexes vectors from zero like Argo (result[0])', () => {
    expect(compileCondition('result[0] >= 0.95').test([0.97])).toBe(true);
    expect(compileCondition('result[1] >= 0.95').test([0.5, 0.99])).toBe(true);
    expect(compileCondition('len(result) == 2').test([1, 2])).toBe(true);
  });

  it('treats NaN as failing every comparison, as Argo does', () => {
    expect(compileCondition('result < 1').test([NaN])).toBe(false);
    expect(compileCondition('result >= 1').test([NaN])).toBe(false);
    expect(compileCondition('isNaN(result)').test([NaN])).toBe(true);
  });

  it('supports && || ! and/or and arithmetic with the usual precedence', () => {
    expect(compileCondition('result > 0 && result < 1 || result == 5').test([5])).toBe(true);
    expect(compileCondition('!(result > 2) and result + 1 == 2').test([1])).toBe(true);
    expect(compileCondition('result * 100 - 1 > 98').test([0.995])).toBe(true);
    expect(compileCondition('2 + 3 * 4 == 14').test([0])).toBe(true);
  });

  it('rejects anything outside the closed language with a reason', () => {
    expect(() => compileCondition('process.exit(1)')).toThrow(ConditionSyntaxError);
    expect(() => compileCondition('result <')).toThrow(/end of condition/);
    expect(() => compileCondition('result < 1 )')).toThrow(ConditionSyntaxError);
    expect(() => compileCondition('constructor')).toThrow(/unknown name/);
  });
});
