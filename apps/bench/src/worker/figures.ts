/** Pure arithmetic of the report: rates, ratios, growth and target checks. */

/** Items per second for `count` items in `elapsedMs`. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count / elapsedMs) * 1000 : Number.POSITIVE_INFINITY;
}

/** Relative growth from `before` to `after`: 0.1 is +10 %. */
export function growth(before: number, after: number): number {
  return before > 0 ? (after - before) / before : 0;
}

/** A target a figure must meet: at least (`min`) or at most (`max`) `value`. */
export interface Target {
  readonly kind: 'min' | 'max';
  readonly value: number;
}

export type Verdict = 'PASS' | 'FAIL';

export function verdict(figure: number, target: Target): Verdict {
  const met = target.kind === 'min' ? figure >= target.value : figure <= target.value;
  return met ? 'PASS' : 'FAIL';
}

/** `figure` per `per` units of `count`: e.g. writes per 1000 changes. */
export function perUnits(figure: number, count: number, per: number): number {
  return count > 0 ? (figure / count) * per : 0;
}
