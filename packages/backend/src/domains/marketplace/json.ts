/**
 * Readers for marketplace answers: they arrive as untyped JSON, or as text that is not JSON at
 * all (a proxy's error page), and every adapter reads them the same careful way.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The parsed answer, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One listed reason as text: a string as it is, else the first of `fields` it carries, else its JSON. */
export function reasonText(reason: unknown, fields: readonly string[]): string {
  if (typeof reason === "string") return reason;
  if (isRecord(reason)) {
    const text = fields.map((field) => reason[field]).find((value) => value !== undefined && value !== null);
    if (typeof text === "string") return text;
  }
  return JSON.stringify(reason);
}

/** An id the marketplace sent as a non-empty string or as a number, as text. */
export function idText(id: unknown): string | undefined {
  return typeof id === "string" && id.length > 0 ? id : typeof id === "number" ? String(id) : undefined;
}
