/** Defining atomic scripts, and the scripts the foundation itself needs. */
import { createHash } from "node:crypto";
import type { AtomicScript, ScriptDefinition } from "./kv";

export function defineScript<T>(definition: ScriptDefinition<T>): AtomicScript<T> {
  const sha = createHash("sha1").update(definition.lua).digest("hex");
  return Object.freeze({ ...definition, sha });
}

/** A Redis integer reply (Lua numbers are truncated to integers on the way out). */
export function parseInteger(raw: unknown, script: string): number {
  if (typeof raw === "number" && Number.isInteger(raw)) return raw;
  throw new Error(`script ${script} returned ${JSON.stringify(raw)} where an integer was expected`);
}

export function assertPositiveTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

/**
 * Deletes KEYS[1] only while it still holds ARGV[1]; 1 when deleted, 0 otherwise. Releasing a
 * lease or a processing key this way cannot remove one that expired and was taken by another
 * owner in between.
 */
export const compareAndDelete = defineScript<number>({
  name: "compareAndDelete",
  lua: `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
`,
  local(data, keys, args) {
    const [key] = keys;
    if (key === undefined) throw new Error("compareAndDelete needs one key");
    return data.get(key) === args[0] ? data.del(key) : 0;
  },
  parse: (raw) => parseInteger(raw, "compareAndDelete"),
});

/**
 * INCR, then PEXPIRE only when this call created the key (or it somehow has no expiry), so the
 * window is fixed from the first hit and a crash can never leave a counter without expiry.
 */
export const incrementInWindow = defineScript<{ count: number; ttlMs: number }>({
  name: "incrementInWindow",
  lua: `
local count = redis.call("INCR", KEYS[1])
local ttl = redis.call("PTTL", KEYS[1])
if count == 1 or ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`,
  local(data, keys, args) {
    const [key] = keys;
    if (key === undefined) throw new Error("incrementInWindow needs one key");
    return data.incrWithExpiry(key, Number(args[0]));
  },
  parse(raw) {
    if (Array.isArray(raw) && raw.length === 2) {
      return { count: parseInteger(raw[0], "incrementInWindow"), ttlMs: parseInteger(raw[1], "incrementInWindow") };
    }
    throw new Error(`script incrementInWindow returned ${JSON.stringify(raw)}`);
  },
});
