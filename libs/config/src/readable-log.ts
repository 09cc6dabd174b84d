/** Fields a readable line leaves out: they are in the line's head, or noise on a terminal. */
const HEAD = new Set(['severity', 'message', 'time', 'serviceContext', 'stack_trace']);

/** A JSON log line as a terminal shows it: `HH:MM:SS.mmm SEVERITY message key=value ...`, then its stack. */
export function readableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const severity = text(entry.severity).padEnd(7);
  const rest = Object.entries(entry)
    .filter(([name]) => !HEAD.has(name))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const head = [time, severity, text(entry.message), ...rest].join(' ');
  return typeof entry.stack_trace === 'string' ? `${head}\n${entry.stack_trace}` : head;
}

function text(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
