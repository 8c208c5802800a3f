/**
 * Invalid requests, each made from a valid one by one mutation: wrong types, missing fields,
 * unknown fields (mass assignment), huge values, arrays past maxItems, bodies nested 40,000 deep,
 * 200,000-element arrays, unicode, injection strings, broken JSON and bad ids or credentials. Every
 * answer must still be a documented 4xx (or 2xx when the mutated value happens to be acceptable,
 * e.g. an emoji in a name), never a 5xx.
 */
import { type Rng, pick, randomUuid, sample, type SampleContext } from "./generate";
import type { JsonSchema, Operation } from "./openapi";
import { requestBodySchema } from "./openapi";

export type AuthChoice = "default" | "none" | "garbage" | "customer" | "staff" | "admin";

export interface RequestParts {
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The JSON body; undefined sends none. */
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  contentType?: string;
  auth: AuthChoice;
}

type Key = string | number;
type Json = unknown;

export const HUGE = "A".repeat(100_000);
export const DEEP_NESTING = 40_000;
export const HUGE_ARRAY_LENGTH = 200_000;
export const UNICODE = [
  "\u202Egnp.exe",
  "😀🛒🇹🇷",
  "nul\u0000byte",
  "e\u0301\u0301\u0301",
  "zero\u200Bwidth",
  "\uD800lone",
  "İıŞşĞğÇçÖöÜü",
  "مرحبا",
];
export const INJECTIONS = [
  "' OR 1=1 --",
  "'; DROP TABLE orders; --",
  "${{7*7}}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  '{"$gt": ""}',
  "%00",
  "\r\nX-Injected: 1",
];
const MASS_ASSIGNMENT: Record<string, Json> = {
  role: "admin",
  isAdmin: true,
  id: "00000000-0000-4000-8000-000000000000",
  customerId: "00000000-0000-4000-8000-000000000000",
  price: 1,
  status: "DELIVERED",
  createdAt: "2000-01-01T00:00:00.000Z",
};
const WRONG_TYPES: Record<string, Json[]> = {
  string: [123, true, null, {}, [], 1.5],
  number: ["12", true, null, [1], {}, "NaN"],
  boolean: ["true", 1, null, []],
  object: ["{}", 1, [], true],
  null: [0, "", {}, false],
};
const HUGE_NUMBERS = [1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, -1, 0.5, -0.000001, 1e21];
const HUGE_NUMBER_TEXT = ["99999999999999999999", "-1", "1.5", "1e5", "0", "NaN", "0x10"];

function leaves(value: Json, path: Key[] = [], out: { path: Key[]; value: Json }[] = []) {
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, [...path, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  else out.push({ path, value });
  return out;
}

function objectsIn(value: Json, path: Key[] = [], out: Key[][] = []): Key[][] {
  if (Array.isArray(value)) value.forEach((item, i) => objectsIn(item, [...path, i], out));
  else if (value !== null && typeof value === "object") {
    out.push(path);
    for (const [k, v] of Object.entries(value)) objectsIn(v, [...path, k], out);
  }
  return out;
}

function setAt(root: Json, path: Key[], value: Json): Json {
  if (path.length === 0) return value;
  let node = root as Record<Key, Json>;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<Key, Json>;
  }
  node[path[path.length - 1] as Key] = value;
  return root;
}

function getAt(root: Json, path: Key[]): Json {
  return path.reduce<Json>((node, key) => (node !== null && typeof node === "object" ? (node as Record<Key, Json>)[key] : undefined), root);
}

/** Schemas of objects (first object branch of unions) with the value path they describe; array items at index 0. */
function schemaNodes(schema: JsonSchema, path: Key[] = [], out: { path: Key[]; schema: JsonSchema }[] = []) {
  const node = schema.anyOf?.find((b) => b.type === "object" || b.type === "array") ?? schema;
  out.push({ path, schema: node });
  for (const [k, s] of Object.entries(node.properties ?? {})) schemaNodes(s, [...path, k], out);
  if (node.items) schemaNodes(node.items, [...path, 0], out);
  return out;
}

const typeName = (value: Json) => (value === null ? "null" : typeof value === "object" ? "object" : typeof value);

/** Params that are strings in the URL or headers, as (where, name) pairs. */
function paramSlots(parts: RequestParts): { where: "path" | "query" | "headers"; name: string }[] {
  return [
    ...Object.keys(parts.path).map((name) => ({ where: "path" as const, name })),
    ...Object.keys(parts.query).map((name) => ({ where: "query" as const, name })),
    ...Object.keys(parts.headers).map((name) => ({ where: "headers" as const, name })),
  ];
}

/** Replace a string in the body, or a path/query/header value, with `make(old)`. */
function replaceString(parts: RequestParts, rng: Rng, make: (old: string) => string, where: "any" | "params" = "any"): RequestParts | undefined {
  const inBody = where === "any" ? leaves(parts.body).filter((l) => typeof l.value === "string") : [];
  const slots = paramSlots(parts);
  if (inBody.length + slots.length === 0) return undefined;
  const index = Math.floor(rng() * (inBody.length + slots.length));
  const leaf = inBody[index];
  if (leaf) return { ...parts, body: setAt(parts.body, leaf.path, make(String(leaf.value))) };
  const slot = slots[index - inBody.length];
  if (!slot) return undefined;
  return { ...parts, [slot.where]: { ...parts[slot.where], [slot.name]: make(parts[slot.where][slot.name] ?? "") } };
}

export type Mutation = (parts: RequestParts, op: Operation, ctx: SampleContext) => RequestParts | undefined;

export const MUTATIONS: Record<string, Mutation> = {
  "wrong-type": (parts, _op, { rng }) => {
    const all = leaves(parts.body);
    if (parts.body === undefined || all.length === 0) return undefined;
    const leaf = pick(rng, all);
    return { ...parts, body: setAt(parts.body, leaf.path, pick(rng, WRONG_TYPES[typeName(leaf.value)] ?? [1])) };
  },
  "body-not-object": (parts, op, { rng }) =>
    requestBodySchema(op.op) ? { ...parts, body: pick(rng, ["a string", 42, [], null, true, [{}]]) } : undefined,
  "missing-required": (parts, op, { rng }) => {
    const schema = requestBodySchema(op.op);
    const candidates = schema
      ? schemaNodes(schema).flatMap((n) =>
          getAt(parts.body, n.path) !== undefined ? (n.schema.required ?? []).map((key) => [...n.path, key]) : [],
        )
      : [];
    const requiredParams = (op.op.parameters ?? []).filter((p) => p.required && p.in !== "path");
    if (candidates.length === 0 && requiredParams.length === 0) return undefined;
    if (candidates.length === 0 || (requiredParams.length > 0 && rng() < 0.3)) {
      const param = pick(rng, requiredParams);
      const where = param.in === "query" ? "query" : "headers";
      const copy = { ...parts[where] };
      delete copy[param.name];
      return { ...parts, [where]: copy };
    }
    const path = pick(rng, candidates);
    const parent = getAt(parts.body, path.slice(0, -1)) as Record<Key, Json>;
    delete parent[path[path.length - 1] as Key];
    return parts;
  },
  "unknown-field": (parts, _op, { rng }) => {
    const [field, value] = pick(rng, Object.entries(MASS_ASSIGNMENT));
    const objects = objectsIn(parts.body);
    if (objects.length === 0) return { ...parts, query: { ...parts.query, [field]: String(value) } };
    const at = pick(rng, objects);
    return { ...parts, body: setAt(parts.body, [...at, field], value) };
  },
  "proto-pollution": (parts) => {
    if (parts.body === null || typeof parts.body !== "object" || Array.isArray(parts.body)) return undefined;
    const rest = JSON.stringify(parts.body).slice(1);
    const poison = '"__proto__":{"isAdmin":true,"role":"admin"},"constructor":{"prototype":{"polluted":true}}';
    return { ...parts, rawBody: `{${poison}${rest === "}" ? "}" : `,${rest}`}` };
  },
  "huge-string": (parts, _op, { rng }) => replaceString(parts, rng, () => HUGE),
  "huge-number": (parts, _op, { rng }) => {
    const numbers = leaves(parts.body).filter((l) => typeof l.value === "number");
    if (numbers.length > 0) return { ...parts, body: setAt(parts.body, pick(rng, numbers).path, pick(rng, HUGE_NUMBERS)) };
    return Object.keys(parts.query).length > 0 ? replaceString(parts, rng, () => pick(rng, HUGE_NUMBER_TEXT), "params") : undefined;
  },
  "array-overflow": (parts, op, ctx) => {
    const schema = requestBodySchema(op.op);
    const arrays = schema ? schemaNodes(schema).filter((n) => n.schema.type === "array" && n.schema.maxItems !== undefined) : [];
    if (arrays.length === 0) return undefined;
    const target = pick(ctx.rng, arrays);
    const count = (target.schema.maxItems ?? 0) + 1;
    const items = Array.from({ length: count }, () => sample(target.schema.items ?? {}, ctx, String(target.path.at(-1) ?? "")));
    const body = parts.body !== null && typeof parts.body === "object" ? parts.body : {};
    return { ...parts, body: setAt(body, target.path, items) };
  },
  "deep-nesting": (parts, op, { rng }) => {
    if (!requestBodySchema(op.op)) return undefined;
    // Small enough for the body limit, deep enough to overflow any recursive walk of the value.
    const deep = `${"[".repeat(DEEP_NESTING)}${"]".repeat(DEEP_NESTING)}`;
    const objects = objectsIn(parts.body);
    if (objects.length === 0 || rng() < 0.3) return { ...parts, rawBody: pick(rng, [deep, `${'{"a":'.repeat(DEEP_NESTING)}1${"}".repeat(DEEP_NESTING)}`]) };
    const marker = "__deep__";
    const at = pick(rng, objects);
    const field = pick(rng, [...Object.keys(getAt(parts.body, at) as object), "nested"]);
    const text = JSON.stringify(setAt(parts.body, [...at, field], marker));
    return { ...parts, rawBody: text.replace(`"${marker}"`, deep) };
  },
  "huge-array": (parts, op, { rng }) => {
    if (!requestBodySchema(op.op)) return undefined;
    // Under the body limit, far past any maxItems: what the parser and the validator cost for it.
    const items: unknown[] = new Array(HUGE_ARRAY_LENGTH).fill(pick(rng, [1, "x", {}, null]));
    const objects = objectsIn(parts.body);
    if (objects.length === 0) return { ...parts, body: items };
    const targets = [...leaves(parts.body).map((leaf) => leaf.path), ...objects.map((path) => [...path, "extra"])];
    return { ...parts, body: setAt(parts.body, pick(rng, targets), items) };
  },
  unicode: (parts, _op, { rng }) => replaceString(parts, rng, (old) => (rng() < 0.5 ? pick(rng, UNICODE) : `${old}${pick(rng, UNICODE)}`)),
  injection: (parts, _op, { rng }) => replaceString(parts, rng, () => pick(rng, INJECTIONS)),
  "malformed-json": (parts, op, { rng }) =>
    requestBodySchema(op.op) ? { ...parts, rawBody: pick(rng, ['{"a":', "{", "[1,2", '{"x": undefined}', "'single'", '{"a":1}}']) } : undefined,
  "wrong-content-type": (parts, op, { rng }) =>
    requestBodySchema(op.op) ? { ...parts, contentType: pick(rng, ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) } : undefined,
  "bad-path-id": (parts, _op, { rng }) => {
    const names = Object.keys(parts.path);
    if (names.length === 0) return undefined;
    const value = pick(rng, [randomUuid(rng), randomUuid(rng), "not-a-uuid", "00000000-0000-0000-0000-00000000000g", "1", "%20"]);
    return { ...parts, path: { ...parts.path, [pick(rng, names)]: value } };
  },
  "bad-auth": (parts, _op, { rng }) => ({ ...parts, auth: pick(rng, ["none", "garbage", "customer", "staff"] as const) }),
  "unknown-query": (parts, _op, { rng }) => ({ ...parts, query: { ...parts.query, [pick(rng, ["role", "admin", "limit2", "debug"])]: "1" } }),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);
