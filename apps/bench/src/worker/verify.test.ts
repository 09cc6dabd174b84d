import { describe, expect, it } from 'vitest';
import { versionMismatches } from './verify.js';

describe('versionMismatches', () => {
  const expected = new Map([
    ['aaaaaaaaaa', 2],
    ['bbbbbbbbbb', 1],
  ]);

  it('is empty when Datastore holds exactly the expected versions', () => {
    expect(versionMismatches(expected, new Map(expected))).toEqual([]);
  });

  it('names missing sessions, older versions and a wrong count', () => {
    const problems = versionMismatches(expected, new Map([['aaaaaaaaaa', 1]]));
    expect(problems).toEqual([
      '1 sessions stored, 2 expected',
      'session aaaaaaaa…: version 1, expected 2',
      'session bbbbbbbb…: version missing, expected 1',
    ]);
  });

  it('stops at the limit', () => {
    expect(versionMismatches(expected, new Map(), 1)).toHaveLength(1);
  });
});
