/** The Cookie request header that sends back what a response's Set-Cookie headers set. */
export function cookieHeaderFrom(setCookie: readonly string[]): string {
  return setCookie
    .map((line) => line.split(';', 1)[0]?.trim() ?? '')
    .filter((pair) => pair !== '')
    .join('; ');
}

/** express-session's default cookie name. */
export const EXPRESS_SESSION_COOKIE = 'connect.sid';

/**
 * The session id inside an express-session cookie (`connect.sid=s%3A<id>.<signature>`), which is
 * the store's key without its prefix; undefined when the header holds none.
 */
export function expressSessionId(cookieHeader: string): string | undefined {
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== EXPRESS_SESSION_COOKIE) continue;
    const value = decodeURIComponent(pair.slice(eq + 1).trim());
    const dot = value.lastIndexOf('.');
    if (value.startsWith('s:') && dot > 2) return value.slice(2, dot);
  }
  return undefined;
}
