/**
 * Valid values from the document's JSON Schemas, deterministic for a seed. Small on purpose: it
 * knows the keywords TypeBox emits and the few patterns our schemas use, and throws on a pattern it
 * cannot satisfy, so a new pattern gets a generator here instead of silently sending junk as "valid".
 */
import type { JsonSchema } from "./openapi";

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough to spread requests; the same seed gives the same run. */
export function prng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
export const between = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

export function randomUuid(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => between(rng, 0, 15).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(rng, ["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
}

export interface SampleContext {
  rng: Rng;
  /** A real id of this kind ("product", "store", ...) when the seeded shop has one. */
  idFor(kind: string): string | undefined;
  /** A number no earlier call returned: keeps generated emails, SKUs and keys unique. */
  unique(): number;
}

/** "productId" / "warehouseIds" -> "product" / "warehouse"; other names stay as they are. */
export const kindOf = (name: string): string => name.replace(/Ids?$/, "");

const UUID_PATTERN = /^\^\[0-9a-fA-F\]\{8\}-/;

/** Patterns a random word cannot match, with a value that does. */
const PATTERN_VALUES: { test: (pattern: string) => boolean; value: (ctx: SampleContext) => string }[] = [
  { test: (p) => p.includes("@"), value: (ctx) => `fuzz-${ctx.unique()}@example.com` },
  { test: (p) => p === "^[1-9][0-9]{0,6}$", value: (ctx) => String(between(ctx.rng, 1, 3)) },
  { test: (p) => p === "^[1-9][0-9]{0,3}$", value: (ctx) => String(between(ctx.rng, 1, 3)) },
  { test: (p) => p === "^(100|[1-9][0-9]?)$", value: (ctx) => String(between(ctx.rng, 1, 100)) },
  // An offset (jobs, import rows): small, so a page is usually there.
  { test: (p) => p === "^(0|[1-9][0-9]{0,6})$", value: (ctx) => String(between(ctx.rng, 0, 3)) },
  { test: (p) => p === "^[A-Z]{3}$", value: (ctx) => pick(ctx.rng, ["TRY", "EUR", "USD"]) },
  // A closed local port: a store the fuzz creates or edits never sends anything anywhere.
  { test: (p) => p.startsWith("^https?://"), value: () => "http://127.0.0.1:9/fuzz" },
  // An invoice link: stored with the command, never fetched by us.
  { test: (p) => p.startsWith("^https://"), value: (ctx) => `https://invoices.example.com/fuzz-${ctx.unique()}` },
];

function word(ctx: SampleContext, min: number, max: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const length = between(ctx.rng, Math.max(min, 1), Math.max(Math.min(max, 12), min, 1));
  const tail = `${ctx.unique()}`;
  let out = pick(ctx.rng, [...letters]);
  while (out.length < length - tail.length) out += pick(ctx.rng, [...`${letters}0123456789`]);
  return (out + tail).slice(0, Math.max(length, 1));
}

export function sampleString(schema: JsonSchema, ctx: SampleContext, name: string): string {
  const pattern = schema.pattern;
  if ((pattern && UUID_PATTERN.test(pattern)) || schema.format === "uuid") return ctx.idFor(kindOf(name)) ?? randomUuid(ctx.rng);
  if (schema.format === "date-time") return new Date(Date.UTC(2026, 0, between(ctx.rng, 1, 28))).toISOString();
  const known = pattern ? PATTERN_VALUES.find((p) => p.test(pattern)) : undefined;
  if (known) return known.value(ctx);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 24;
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = word(ctx, min, max);
    if (!pattern || new RegExp(pattern).test(candidate)) return candidate;
  }
  throw new Error(`no generator for the string pattern ${pattern}: add one to PATTERN_VALUES`);
}

function sampleNumber(schema: JsonSchema, ctx: SampleContext): number {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : min + 1000);
  // Mostly small values near the low end: the ones that make requests succeed (quantities, deltas).
  const low = Math.max(min, Math.min(1, max));
  const value = ctx.rng() < 0.7 ? between(ctx.rng, low, Math.min(max, low + 9)) : between(ctx.rng, Math.ceil(min), Math.floor(max));
  return schema.type === "number" && ctx.rng() < 0.3 && value < max ? value + 0.5 : value;
}

function sampleObject(schema: JsonSchema, ctx: SampleContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (required.has(key) || ctx.rng() < 0.5) out[key] = sample(property, ctx, key);
  }
  const [keyPattern, valueSchema] = Object.entries(schema.patternProperties ?? {})[0] ?? [];
  if (keyPattern && valueSchema) {
    const count = Math.max(schema.minProperties ?? 0, between(ctx.rng, 0, 2));
    for (let i = 0; i < count; i++) out[sampleString({ pattern: keyPattern, maxLength: 20 }, ctx, "key")] = sample(valueSchema, ctx, "value");
  }
  return out;
}

/** A value the schema accepts (ids of real things where the name says which kind). */
export function sample(schema: JsonSchema, ctx: SampleContext, name = ""): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return pick(ctx.rng, schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    // null branches rarely: a null says "clear it", which valid requests should do now and then only.
    const solid = branches.filter((b) => b.type !== "null");
    return sample(ctx.rng() < 0.15 || solid.length === 0 ? pick(ctx.rng, branches) : pick(ctx.rng, solid), ctx, name);
  }
  switch (schema.type) {
    case "string":
      return sampleString(schema, ctx, name);
    case "integer":
    case "number":
      return sampleNumber(schema, ctx);
    case "boolean":
      return ctx.rng() < 0.5;
    case "null":
      return null;
    case "array": {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? 3, min + 2);
      return Array.from({ length: between(ctx.rng, Math.max(min, Math.min(1, max)), max) }, () => sample(schema.items ?? {}, ctx, name));
    }
    case "object":
      return sampleObject(schema, ctx);
    default:
      return "x";
  }
}
