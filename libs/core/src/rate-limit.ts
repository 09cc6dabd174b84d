/**
 * A gate for repeated log lines: `pass(key)` is true the first time a key is seen and then at most
 * once per `intervalMs` for it (a connection error that repeats every second is logged once a
 * minute, not 60 times).
 */
export function oncePer(intervalMs: number, now: () => number = Date.now): (key: string) => boolean {
  const last = new Map<string, number>();
  return (key) => {
    const at = now();
    const previous = last.get(key);
    if (previous !== undefined && at - previous < intervalMs) return false;
    last.set(key, at);
    return true;
  };
}
