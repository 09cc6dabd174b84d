import { describe, expect, it } from 'vitest';
import { markdownTable } from './table.js';

describe('markdownTable', () => {
  it('pads columns and marks right-aligned ones', () => {
    const table = markdownTable(
      ['name', 'rate'],
      [
        ['drain', '1,200'],
        ['purge', '80'],
      ],
      ['l', 'r'],
    );
    expect(table.split('\n')).toEqual([
      '| name  |  rate |',
      '|-------|------:|',
      '| drain | 1,200 |',
      '| purge |    80 |',
    ]);
  });

  it('fills missing cells', () => {
    expect(markdownTable(['a', 'b'], [['x']]).split('\n')[2]).toBe('| x   |     |');
  });
});
