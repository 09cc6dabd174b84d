/**
 * A coarse device label from a User-Agent header ("Chrome on Linux"), for the list of a user's
 * sessions. The label is built only from the fixed names below, never from the header's text, so
 * nothing a client sends is stored or shown as is.
 */

/** Browsers and clients, most specific first (Edge and Opera say "Chrome" too, Chrome says "Safari"). */
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|HeadlessChrome|Chromium|CriOS)\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/^Wget\//, 'Wget'],
  [/^(node|undici)\b/, 'Node.js'],
];

/** Operating systems, most specific first (Android says "Linux", iOS says "like Mac OS X"). */
const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/** The longest User-Agent looked at; the rest is ignored. */
const MAX_SCANNED = 512;

function first(table: readonly (readonly [RegExp, string])[], text: string): string | undefined {
  return table.find(([pattern]) => pattern.test(text))?.[1];
}

/** "Chrome on Linux", "Firefox on Android", "curl", or "Unknown device" for anything else. */
export function deviceLabel(userAgent: string | undefined): string {
  const text = (userAgent ?? '').slice(0, MAX_SCANNED);
  const browser = first(BROWSERS, text);
  const system = first(SYSTEMS, text);
  if (browser !== undefined && system !== undefined) return `${browser} on ${system}`;
  return browser ?? (system === undefined ? 'Unknown device' : `Unknown browser on ${system}`);
}
