/** Money on the wire: every marketplace we speak to takes TRY as a decimal with two places. */

/** Minor units (kuruş) to a decimal with exactly two places, without floating-point rounding. */
export function decimalPrice(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

/** A TRY decimal from an order (a number, or a string with "." or ","), to kuruş; undefined when it is not one. */
export function minorUnitsOf(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value.replace(",", ".")) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 100) : undefined;
}
