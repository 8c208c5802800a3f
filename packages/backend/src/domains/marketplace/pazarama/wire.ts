/** Small readers for Pazarama's answers, shared by the token, API, result and order code. */
import { isRecord } from "../json";
import { minorUnitsOf } from "../money";

/** Pazarama's envelope: `{ data, success, messageCode, message, userMessage }`; errors sometimes list `errors`. */
export function reasonsOf(body: unknown, text = ""): string[] {
  const reasons: string[] = [];
  if (isRecord(body)) {
    for (const key of ["userMessage", "message", "error_description", "error"] as const) {
      const value = body[key];
      if (typeof value === "string" && value && !reasons.includes(value)) reasons.push(value);
    }
    if (Array.isArray(body.errors)) {
      for (const e of body.errors) reasons.push(typeof e === "string" ? e : isRecord(e) ? String(e.message ?? e.description ?? e.code ?? "") : String(e));
    }
  }
  if (reasons.length === 0 && text.trim()) reasons.push(text.trim().slice(0, 500));
  return reasons.filter((r) => r.length > 0);
}

/** TRY decimal (number, "112.85", or `{ value }`) -> kuruş. */
export function minorUnits(value: unknown): number | undefined {
  return minorUnitsOf(isRecord(value) ? value.value : value);
}
