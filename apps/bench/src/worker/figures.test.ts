import { describe, expect, it } from 'vitest';
import { growth, perSecond, perUnits, verdict } from './figures.js';

describe('figures', () => {
  it('computes rates, growth and per-unit figures', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(growth(100, 110)).toBeCloseTo(0.1);
    expect(growth(100, 90)).toBeCloseTo(-0.1);
    expect(growth(0, 5)).toBe(0);
    expect(perUnits(50, 2000, 1000)).toBe(25);
    expect(perUnits(5, 0, 1000)).toBe(0);
  });

  it('checks targets at their bounds', () => {
    expect(verdict(8, { kind: 'min', value: 8 })).toBe('PASS');
    expect(verdict(7.99, { kind: 'min', value: 8 })).toBe('FAIL');
    expect(verdict(100, { kind: 'max', value: 100 })).toBe('PASS');
    expect(verdict(101, { kind: 'max', value: 100 })).toBe('FAIL');
  });
});
