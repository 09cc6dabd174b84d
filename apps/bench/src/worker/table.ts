/** Cells of a Markdown table; a cell may not contain `|`. */
export type Row = readonly string[];

/** A Markdown table with padded columns; `align` is 'l' or 'r' per column (default 'l'). */
export function markdownTable(header: Row, rows: readonly Row[], align: readonly ('l' | 'r')[] = []): string {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const pad = (cell: string, column: number): string => {
    const width = widths[column] ?? cell.length;
    return align[column] === 'r' ? cell.padStart(width) : cell.padEnd(width);
  };
  const line = (row: Row): string => `| ${header.map((_, column) => pad(row[column] ?? '', column)).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (align[column] === 'r' ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
