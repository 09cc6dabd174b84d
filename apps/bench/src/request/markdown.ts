/** `a / b`, or undefined when either side is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

export function formatMs(ms: number): string {
  return ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

/** Renders rows as a Markdown table (readable as plain text too): first column left, the rest right. */
export function markdown(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const pad = (cell: string, i: number) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0));
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  // The separator row as Prettier writes it, so the table can be pasted into Markdown as is.
  const rule = line(widths.map((width, i) => (i === 0 ? `:${'-'.repeat(width - 1)}` : `${'-'.repeat(width - 1)}:`)));
  return [line(header), rule, ...rows.map(line)].join('\n');
}
