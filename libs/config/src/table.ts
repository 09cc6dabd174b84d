import type { Variable } from './parse.js';
import { VARIABLES } from './variables.js';

/** The README's configuration table, as Markdown: one row per entry of {@link VARIABLES}. */
export function configTable(): string {
  const rows: (readonly [string, string, string])[] = Object.values(VARIABLES).map((variable: Variable<unknown>) => [
    `\`${variable.name}\``,
    variable.shownDefault ?? '—',
    variable.description,
  ]);
  const header = ['variable', 'default', 'meaning'] as const;
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
