import { Elysia, ParseError } from "elysia";
import { BodyTooDeep } from "./errors";

/** Deeper than any body the API documents (its deepest is about four levels). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * True when the text opens more than maxDepth arrays/objects at once. One pass over the raw text,
 * skipping string contents, so it costs the same whatever the shape; malformed text is left to
 * JSON.parse to refuse.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}

/**
 * JSON.parse behind the depth check. Parsing itself copes with deep nesting, but everything after
 * it that walks the value recursively (TypeBox validation, error reporting) overflows the stack
 * after blocking the event loop, so the value must never exist.
 */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (nestsDeeperThan(text, maxDepth)) throw new BodyTooDeep(maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParseError(error instanceof Error ? error : undefined);
  }
  // Only a \u escape can carry half a surrogate pair (bytes that are not UTF-8 are decoded to U+FFFD).
  return LONE_SURROGATE_ESCAPE.test(text) ? wellFormed(value) : value;
}

const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Half a surrogate pair becomes U+FFFD, as a browser sends it in a URL: Postgres cannot store it
 * (a webhook's raw payload would fail to record and be answered 503 forever). Depth is bounded above.
 */
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.toWellFormed(), wellFormed(inner)]));
  return value;
}

export const isJsonContentType = (contentType: string): boolean => {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
};

/**
 * Parses JSON bodies in place of Elysia's own parser, refusing over-deep ones with 422
 * BODY_TOO_DEEP before they are parsed. Registered after the body limit, whose own hook parses
 * streamed bodies through parseJsonBody too.
 */
export function jsonDepthPlugin(options: { maxDepth?: number } = {}) {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  return new Elysia({ name: "json-depth" }).onParse({ as: "global" }, async ({ request }, contentType) => {
    if (request.body === null || !isJsonContentType(contentType)) return;
    return parseJsonBody(await request.text(), maxDepth);
  });
}
