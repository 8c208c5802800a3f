/** Small readers for Pazarama's answers, shared by the token, API, result and order code. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

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

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** TRY decimal (number, "112.85", or `{ value }`) -> kuruş. */
export function minorUnits(value: unknown): number | undefined {
  const raw = isRecord(value) ? value.value : value;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw.replace(",", ".")) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 100) : undefined;
}
