import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX, pickOperation } from './soak-driver.js';

describe('pickOperation', () => {
  it('picks by weight', () => {
    const mix = { read: 1, set: 1, increment: 0, regenerate: 0, logout: 2 };
    expect(pickOperation(mix, 0)).toBe('read');
    expect(pickOperation(mix, 0.3)).toBe('set');
    expect(pickOperation(mix, 0.5)).toBe('logout');
    expect(pickOperation(mix, 0.999)).toBe('logout');
  });

  it('keeps the default mix mostly reads and writes', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const operation = pickOperation(DEFAULT_MIX, i / 1000);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
    }
    expect(counts.get('read')).toBe(350);
    expect(counts.get('logout')).toBe(75);
  });
});
