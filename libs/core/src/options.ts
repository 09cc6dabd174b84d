/** Options as callers may pass them: any of them left out, or passed as `undefined`. */
export type LooseOptions<T> = { [K in keyof T]?: T[K] | undefined };

/** Options `O` once the defaults `D` are applied: every option with a default is set. */
export type WithDefaults<D, O> = O & { readonly [K in keyof D & keyof O]-?: Exclude<O[K], undefined> };

/**
 * Options merged over their defaults, as `{ ...defaults, ...options }` does, except that an option
 * passed as `undefined` (from JavaScript, or a spread of optional values) keeps its default
 * instead of erasing it. Every options type of the libraries resolves its `DEFAULTS` this way, once,
 * in its constructor.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): WithDefaults<D, O> {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [name, value] of Object.entries(options)) if (value !== undefined) merged[name] = value;
  return merged as WithDefaults<D, O>;
}
