/** A fenced code block of a Markdown document. */
export interface CodeBlock {
  /** The fence's language (`ts`, `js`, `sh`...), empty when it names none. */
  readonly lang: string;
  readonly code: string;
}

/**
 * The fenced code blocks of the section of `markdown` under the heading `heading` (its text,
 * without the `#`s), up to the next heading of the same or a higher level, subsections included.
 * Throws when there is no such heading.
 */
export function sectionBlocks(markdown: string, heading: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 1;
  const blocks: CodeBlock[] = [];
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of lines.slice(start + 1)) {
    if (open === undefined) {
      const heads = /^(#+) /.exec(line);
      if (heads?.[1] !== undefined && heads[1].length <= level) break;
      const fence = /^```(\S*)\s*$/.exec(line);
      if (fence !== null) open = { lang: fence[1] ?? '', lines: [] };
    } else if (line.startsWith('```')) {
      blocks.push({ lang: open.lang, code: `${open.lines.join('\n')}\n` });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

/** The blocks of a section in a language: e.g. the TypeScript and JavaScript apps of the README. */
export function codeBlocks(markdown: string, heading: string, langs: readonly string[]): string[] {
  return sectionBlocks(markdown, heading)
    .filter((block) => langs.includes(block.lang))
    .map((block) => block.code);
}
