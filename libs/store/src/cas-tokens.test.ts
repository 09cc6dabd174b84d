import { describe, expect, it } from 'vitest';
import { CasTokens } from './cas-tokens.js';

describe('CasTokens', () => {
  it('gives a token back once, and only for the version it was read at', () => {
    const tokens = new CasTokens();
    tokens.remember('k', 3, 42n);
    expect(tokens.take('k', 4)).toBeUndefined();
    tokens.remember('k', 3, 42n);
    expect(tokens.take('k', 3)).toBe(42n);
    expect(tokens.take('k', 3)).toBeUndefined();
  });

  it('forgets the oldest keys beyond its capacity', () => {
    const tokens = new CasTokens(2);
    tokens.remember('a', 1, 1n);
    tokens.remember('b', 1, 2n);
    tokens.remember('c', 1, 3n);
    expect(tokens.take('a', 1)).toBeUndefined();
    expect(tokens.take('b', 1)).toBe(2n);
    expect(tokens.take('c', 1)).toBe(3n);
  });
});
