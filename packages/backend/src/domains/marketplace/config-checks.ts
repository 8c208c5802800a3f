/**
 * The checks every adapter factory runs on its settings before it is built, so a typo in a
 * store's settings is one 422 listing every problem, never a failed push later. Each returns the
 * problems it found (none: an empty list).
 */

/** A base URL, when given, must parse and be http(s). */
export function urlProblems(name: string, value: string | undefined): string[] {
  if (value === undefined) return [];
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? [] : [`${name} must be http(s)`];
  } catch {
    return [`${name} is not a URL`];
  }
}

/** Each named number, when given, must be a positive safe integer. */
export function positiveIntegerProblems<C extends Partial<Record<N, number>>, N extends string>(config: C, names: readonly N[]): string[] {
  return names.flatMap((name) => {
    const value = config[name];
    return value !== undefined && !(Number.isSafeInteger(value) && Number(value) > 0) ? [`${name} must be a positive integer`] : [];
  });
}
