/** Reading request bodies the marketplaces' handlers share: a sandbox answers a bad body as the marketplace would, never throws. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body parsed, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body when it is a JSON object, else undefined. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  const value = parseJson(text);
  return isRecord(value) ? value : undefined;
}

/** One more call of this kind for the order (the order-state control routes show the counts). */
export function countCall<K>(calls: Map<K, Record<string, number>>, key: K, kind: string): void {
  const counts = calls.get(key) ?? {};
  counts[kind] = (counts[kind] ?? 0) + 1;
  calls.set(key, counts);
}
