/**
 * What never reaches a log line: secrets by field name, card-like numbers in any string, and a
 * failed query's parameters (error-scrub.ts). One walk over what each log line carries (plain objects and arrays only) does both: pino's own
 * path-based redact was dropped for it (see logger.ts).
 */
import { scrubError, withoutQueryParameters } from "./error-scrub";

export const CENSOR = "[redacted]";

/** Field names whose values are secrets wherever they appear (compared case-insensitively). */
export const SECRET_KEYS = [
  "password",
  "passwordHash",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "apiSecret",
  "secret",
  "serviceKey",
  "clientSecret",
  "appSecret",
  "appKey",
  "credentials",
  "authorization",
  "cookie",
  "set-cookie",
  "jwtSecret",
  "credentialsKey",
  "credentialsPreviousKeys",
] as const;

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS.map((k) => k.toLowerCase()));
const MAX_DEPTH = 8;
// 13-19 digits, optionally grouped by single spaces or dashes as people type them.
const CARD_LIKE = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Payment cards start with 2-6 (Visa, Mastercard, Amex, Discover...) or 9792 (Troy). Barcodes,
 * which this system logs all day, are EAN-13 starting 869 in Turkey: about one in ten is also
 * Luhn-valid, and masking them would blind stock-sync debugging without protecting a card.
 */
function isCardNumber(digits: string): boolean {
  const first = digits.charCodeAt(0) - 48;
  return ((first >= 2 && first <= 6) || digits.startsWith("9792")) && luhnValid(digits);
}

/** A message string as it may be logged: query parameters and card numbers masked. */
export function scrubLogMessage(text: string): string {
  return maskCardNumbers(withoutQueryParameters(text));
}

/** The string with every card-like number masked to its last four digits. */
export function maskCardNumbers(text: string): string {
  if (text.length < 13) return text;
  return text.replace(CARD_LIKE, (match) => {
    const digits = match.replace(/[ -]/g, "");
    return isCardNumber(digits) ? `[card ****${digits.slice(-4)}]` : match;
  });
}

/** Card numbers masked in an error's message and stack, and in its causes' (the error is a scrubError copy). */
function maskErrorCards(error: Error, depth: number): Error {
  error.message = maskCardNumbers(error.message);
  if (error.stack !== undefined) error.stack = maskCardNumbers(error.stack);
  if (error.cause instanceof Error && depth < MAX_DEPTH) maskErrorCards(error.cause, depth + 1);
  return error;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with secret-named fields censored and card numbers masked, at any depth up
 * to MAX_DEPTH; untouched parts are shared, and the caller's objects are never modified.
 */
export function scrubLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskCardNumbers(withoutQueryParameters(value));
  if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const scrubbed = scrubLogValue(item, depth + 1);
      if (scrubbed !== item) (copy ??= [...value])[i] = scrubbed;
    });
    return copy ?? value;
  }
  if (value instanceof Error) return maskErrorCards(scrubError(value) as Error, 0);
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const scrubbed = SECRET_KEY_SET.has(key.toLowerCase()) && item !== undefined ? CENSOR : scrubLogValue(item, depth + 1);
    if (scrubbed !== item) (copy ??= { ...value })[key] = scrubbed;
  }
  return copy ?? value;
}
