// Progress of a long admin command (purge, rebuild, replay --all), on stderr: a bar redrawn in
// place, with a rate and an ETA, on a terminal; plain lines now and then otherwise (a log file or
// a CI job keeps every line). Pure apart from the `write` and `now` it is given.

/** A progress display: report how far the work is, then `finish`. */
export interface Progress {
  /** `done` items so far (a running total); `total` when it became known or changed. */
  update(done: number, total?: number): void;
  /** On a terminal, erases the bar so that another line can be written; it comes back on the next update. */
  clear(): void;
  /** The final state, on its own line (a terminal's bar is replaced by it). */
  finish(): void;
}

/** What a {@link ProgressFactory} takes besides the label. */
export interface ProgressShape {
  readonly total?: number;
  readonly unit?: string;
  /** Show nothing unless the work takes longer than this, in ms (a short step stays quiet). */
  readonly delayMs?: number;
}

/** Makes a {@link Progress} for one piece of work. */
export type ProgressFactory = (label: string, options?: ProgressShape) => Progress;

/** A progress that shows nothing (tests, and callers that asked for none). */
export const silentProgress: ProgressFactory = () => ({
  update: () => undefined,
  clear: () => undefined,
  finish: () => undefined,
});

export interface ProgressOptions {
  readonly label: string;
  /** How many items there are, when known: then a bar, a percentage and an ETA. */
  readonly total?: number;
  /** What is counted, after the numbers: `entities`. @defaultValue 'items' */
  readonly unit?: string;
  /** A terminal: one line redrawn in place. Otherwise plain lines. */
  readonly tty: boolean;
  /** Writes raw text (stderr); a terminal's redraws start with "\r". */
  readonly write: (text: string) => void;
  /** Terminal width in columns. @defaultValue 80 */
  readonly columns?: number;
  /** Clock in ms. @defaultValue Date.now */
  readonly now?: () => number;
  /** Plain lines: at most one per this many ms (and one at the end). @defaultValue 5000 */
  readonly lineIntervalMs?: number;
  /** Terminal: at most one redraw per this many ms (and one at the end). @defaultValue 100 */
  readonly redrawIntervalMs?: number;
  /**
   * Show nothing before this many ms have passed; work done by then shows nothing at all, not
   * even at `finish`. @defaultValue 0
   */
  readonly delayMs?: number;
}

/** Items per second, or 0 before any time has passed. */
export function rateOf(done: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : (done * 1000) / elapsedMs;
}

/** The time left at the rate so far, in ms; undefined when it cannot be told (no total, nothing done yet). */
export function etaMs(done: number, total: number | undefined, elapsedMs: number): number | undefined {
  if (total === undefined || done <= 0 || elapsedMs <= 0) return undefined;
  return Math.max(0, ((total - done) * elapsedMs) / done);
}

/** `45s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `12.3/s` below 100 per second, `1234/s` above. */
export function formatRate(perSecond: number): string {
  return `${perSecond < 100 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

/** What a progress line says after its label and bar. */
interface Snapshot {
  readonly label: string;
  readonly done: number;
  readonly total: number | undefined;
  readonly unit: string;
  readonly elapsedMs: number;
  /** The last line: the elapsed time instead of an ETA. */
  readonly finished: boolean;
}

function figures(s: Snapshot): string {
  const count =
    s.total === undefined
      ? `${s.done} ${s.unit}`
      : `${s.done}/${s.total} ${s.unit} (${Math.floor((100 * Math.min(s.done, s.total)) / Math.max(1, s.total))}%)`;
  const rate = formatRate(rateOf(s.done, s.elapsedMs));
  if (s.finished) return `${count}, ${rate}, took ${formatDuration(s.elapsedMs)}`;
  const eta = etaMs(s.done, s.total, s.elapsedMs);
  return `${count}, ${rate}${eta === undefined ? '' : `, ETA ${formatDuration(eta)}`}`;
}

/** A plain progress line: `purge: 1200/5000 entities (24%), 400/s, ETA 10s`. */
export function plainLine(s: Snapshot): string {
  return `${s.label}: ${figures(s)}`;
}

/**
 * A terminal's bar, at most `columns - 1` wide: `purge [######------] 1200/5000 entities (24%), 400/s, ETA 10s`.
 * Without a total (or when too narrow for a bar) the figures alone.
 */
export function barLine(s: Snapshot, columns: number): string {
  const text = figures(s);
  const room = columns - 1 - s.label.length - text.length - 4;
  if (s.total === undefined || room < 10) return `${s.label} ${text}`.slice(0, Math.max(0, columns - 1));
  const width = Math.min(room, 40);
  const filled = s.total <= 0 ? width : Math.round((width * Math.min(s.done, s.total)) / s.total);
  return `${s.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
}

/** "\r", then erase to the end of the line. */
const ERASE = '\r\u001b[K';

/** A {@link Progress} that draws a bar on a terminal and writes plain lines elsewhere. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  const unit = options.unit ?? 'items';
  // A terminal that reports no width (0, as under `script`) gets 80.
  const columns = options.columns === undefined || options.columns <= 0 ? 80 : Math.max(20, options.columns);
  const interval = options.tty ? (options.redrawIntervalMs ?? 100) : (options.lineIntervalMs ?? 5000);
  let total = options.total;
  let done = 0;
  let lastShown: number | undefined;
  let drawn = false;
  let shownOnce = false;
  let finished = false;
  const delayMs = options.delayMs ?? 0;
  const snapshot = (last: boolean): Snapshot => ({
    label: options.label,
    done,
    total: total === undefined ? undefined : Math.max(total, done),
    unit,
    elapsedMs: now() - started,
    finished: last,
  });
  const show = (last: boolean): void => {
    lastShown = now();
    shownOnce = true;
    if (options.tty) {
      options.write(`${ERASE}${barLine(snapshot(last), columns)}${last ? '\n' : ''}`);
      drawn = !last;
    } else {
      options.write(`${plainLine(snapshot(last))}\n`);
    }
  };
  return {
    update(value, newTotal) {
      if (finished) return;
      done = value;
      if (newTotal !== undefined) total = newTotal;
      if (now() - started < delayMs) return;
      // The first update shows at once (the total, if known); then one per interval.
      if (lastShown === undefined || now() - lastShown >= interval) show(false);
    },
    clear() {
      if (!drawn) return;
      options.write(ERASE);
      drawn = false;
      lastShown = undefined; // redrawn at the next update
    },
    finish() {
      if (finished) return;
      finished = true;
      if (shownOnce || delayMs === 0) show(true);
    },
  };
}

/** Progress on the process's stderr: a bar when it is a terminal. */
export function stderrProgress(label: string, options: ProgressShape = {}): Progress {
  return createProgress({
    label,
    tty: process.stderr.isTTY,
    columns: process.stderr.columns,
    write: (text) => process.stderr.write(text),
    ...options,
  });
}
