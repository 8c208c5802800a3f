/** Reading request bodies the marketplaces' handlers share: a sandbox answers a bad body as the marketplace would, never throws. */

import { isRecord, parseJson } from "@pazarsync/backend/src/domains/marketplace/json";

export { isRecord, parseJson };

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
