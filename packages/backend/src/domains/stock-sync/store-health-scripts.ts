/**
 * Store health's atomic steps, written once as Lua (Redis) and once over MemoryData (embedded).
 * A store's health is one JSON record so every step reads and writes it in one go:
 *   f failures in a row, r retry-at (backoff end), o circuit open-until (0 = closed),
 *   t half-open trial lease end (0 = none), e last error, a last failure time (0 = never).
 * All times are the caller's clock (ms), passed in; the key's TTL only collects old records.
 */
import { defineScript, parseInteger, type MemoryData } from "../../infra/kv";

export type CircuitState = "closed" | "open" | "half-open";

interface HealthRecord {
  f: number;
  r: number;
  o: number;
  t: number;
  e: string;
  a: number;
}

const FRESH: Readonly<HealthRecord> = Object.freeze({ f: 0, r: 0, o: 0, t: 0, e: "", a: 0 });

const STATES: readonly CircuitState[] = ["closed", "open", "half-open"];

export function decodeRecord(raw: string | null): HealthRecord {
  if (raw === null) return { ...FRESH };
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return { ...FRESH };
    const { f, r, o, t, e, a } = value as Record<string, unknown>;
    const numbers = [f, r, o, t, a];
    if (numbers.every((n) => typeof n === "number") && typeof e === "string") {
      return { f: f as number, r: r as number, o: o as number, t: t as number, e, a: a as number };
    }
  } catch {
    // Unreadable state is treated as a healthy store, as a missing key is.
  }
  return { ...FRESH };
}

/** Open until o; from then on half-open (one trial at a time) until a success closes it. */
export function stateAt(record: HealthRecord, now: number): CircuitState {
  if (record.o === 0) return "closed";
  return now < record.o ? "open" : "half-open";
}

const LUA_HELPERS = `
local function load(key)
  local raw = redis.call("GET", key)
  if raw then
    local ok, rec = pcall(cjson.decode, raw)
    if ok and type(rec) == "table" and type(rec.f) == "number" and type(rec.r) == "number"
      and type(rec.o) == "number" and type(rec.t) == "number" and type(rec.a) == "number"
      and type(rec.e) == "string" then
      return rec
    end
  end
  return { f = 0, r = 0, o = 0, t = 0, e = "", a = 0 }
end
local function save(key, rec, now, history)
  local horizon = math.max(now, rec.r, rec.o, rec.t)
  redis.call("SET", key, cjson.encode(rec), "PX", string.format("%.0f", horizon - now + history))
end
`;

function save(data: MemoryData, key: string, record: HealthRecord, now: number, historyMs: number): void {
  const horizon = Math.max(now, record.r, record.o, record.t);
  data.set(key, JSON.stringify(record), { ttlMs: horizon - now + historyMs });
}

function onlyKey(keys: string[], script: string): string {
  const [key] = keys;
  if (key === undefined) throw new Error(`${script} needs one key`);
  return key;
}

function numberArg(args: string[], index: number, script: string): number {
  const value = Number(args[index]);
  if (args[index] === undefined || !Number.isFinite(value)) throw new Error(`${script} needs a number at argument ${index + 1}`);
  return value;
}

function stateFromCode(raw: unknown, script: string): CircuitState {
  const state = STATES[parseInteger(raw, script)];
  if (state === undefined) throw new Error(`script ${script} returned an unknown state ${JSON.stringify(raw)}`);
  return state;
}

interface AttemptReply {
  allowed: boolean;
  state: CircuitState;
  retryAt: number | null;
}

/**
 * KEYS: health. ARGV: now, trialLeaseMs, historyMs. Reply { allowed, state code, retryAt or 0 }.
 * Once the open time has passed, the first caller claims the half-open trial with a lease;
 * everyone else is refused until the trial reports or its lease runs out (a crashed trial).
 */
export const checkAttempt = defineScript<AttemptReply>({
  name: "storeHealth.checkAttempt",
  lua: `${LUA_HELPERS}
local now, lease, history = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local rec = load(KEYS[1])
if rec.o == 0 then
  if rec.r > now then return { 0, 0, rec.r } end
  return { 1, 0, 0 }
end
if now < rec.o then return { 0, 1, rec.o } end
if rec.t > now then return { 0, 2, rec.t } end
rec.t = now + lease
save(KEYS[1], rec, now, history)
return { 1, 2, 0 }
`,
  local(data, keys, args) {
    const key = onlyKey(keys, "checkAttempt");
    const [now, lease, history] = [0, 1, 2].map((i) => numberArg(args, i, "checkAttempt")) as [number, number, number];
    const record = decodeRecord(data.get(key));
    if (record.o === 0) return record.r > now ? { allowed: false, state: "closed", retryAt: record.r } : { allowed: true, state: "closed", retryAt: null };
    if (now < record.o) return { allowed: false, state: "open", retryAt: record.o };
    if (record.t > now) return { allowed: false, state: "half-open", retryAt: record.t };
    save(data, key, { ...record, t: now + lease }, now, history);
    return { allowed: true, state: "half-open", retryAt: null };
  },
  parse(raw) {
    if (Array.isArray(raw) && raw.length === 3) {
      const retryAt = parseInteger(raw[2], "storeHealth.checkAttempt");
      return {
        allowed: parseInteger(raw[0], "storeHealth.checkAttempt") === 1,
        state: stateFromCode(raw[1], "storeHealth.checkAttempt"),
        retryAt: retryAt === 0 ? null : retryAt,
      };
    }
    throw new Error(`script storeHealth.checkAttempt returned ${JSON.stringify(raw)}`);
  },
});

/** KEYS: health. ARGV: now, historyMs. Closes the circuit and clears failures, keeping the last error for the status page. */
export const markHealthy = defineScript<number>({
  name: "storeHealth.markHealthy",
  lua: `${LUA_HELPERS}
local rec = load(KEYS[1])
if rec.f == 0 and rec.r == 0 and rec.o == 0 and rec.t == 0 then return 0 end
save(KEYS[1], { f = 0, r = 0, o = 0, t = 0, e = rec.e, a = rec.a }, tonumber(ARGV[1]), tonumber(ARGV[2]))
return 1
`,
  local(data, keys, args) {
    const key = onlyKey(keys, "markHealthy");
    const record = decodeRecord(data.get(key));
    if (record.f === 0 && record.r === 0 && record.o === 0 && record.t === 0) return 0;
    save(data, key, { ...FRESH, e: record.e, a: record.a }, numberArg(args, 0, "markHealthy"), numberArg(args, 1, "markHealthy"));
    return 1;
  },
  parse: (raw) => parseInteger(raw, "storeHealth.markHealthy"),
});

interface FailureReply {
  state: CircuitState;
  retryAt: number;
  failures: number;
}

/**
 * KEYS: health. ARGV: now, random in [0, 1), retryAfterMs (0 = none), error, baseDelayMs,
 * maxDelayMs, openAfterFailures, openForMs, historyMs. Reply { state code, retryAt, failures }.
 * The random draw is made by the caller so the script stays deterministic.
 */
export const markFailed = defineScript<FailureReply>({
  name: "storeHealth.markFailed",
  lua: `${LUA_HELPERS}
local now, random, retryAfter = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local base, maxDelay, openAfter, openFor, history = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local rec = load(KEYS[1])
local failures = rec.f + 1
local backoff = math.floor(random * math.min(maxDelay, base * 2 ^ math.min(failures - 1, 40)))
if failures >= openAfter or rec.o > 0 then
  rec.o = now + math.max(openFor, retryAfter)
  rec.r = rec.o
else
  rec.r = now + math.max(backoff, retryAfter)
end
rec.f, rec.t, rec.e, rec.a = failures, 0, ARGV[4], now
save(KEYS[1], rec, now, history)
if rec.o > 0 then return { 1, rec.r, failures } end
return { 0, rec.r, failures }
`,
  local(data, keys, args) {
    const key = onlyKey(keys, "markFailed");
    const n = (i: number) => numberArg(args, i, "markFailed");
    const [now, random, retryAfter, base, maxDelay, openAfter, openFor, history] = [n(0), n(1), n(2), n(4), n(5), n(6), n(7), n(8)];
    const record = decodeRecord(data.get(key));
    const failures = record.f + 1;
    const backoff = Math.floor(random * Math.min(maxDelay, base * 2 ** Math.min(failures - 1, 40)));
    // A failure while the circuit is open is a failed trial (or a straggler): either way, reopen.
    const opens = failures >= openAfter || record.o > 0;
    const openUntil = opens ? now + Math.max(openFor, retryAfter) : 0;
    const next: HealthRecord = {
      f: failures,
      r: opens ? openUntil : now + Math.max(backoff, retryAfter),
      o: openUntil,
      t: 0,
      e: args[3] ?? "",
      a: now,
    };
    save(data, key, next, now, history);
    return { state: opens ? "open" : "closed", retryAt: next.r, failures };
  },
  parse(raw) {
    if (Array.isArray(raw) && raw.length === 3) {
      return {
        state: stateFromCode(raw[0], "storeHealth.markFailed"),
        retryAt: parseInteger(raw[1], "storeHealth.markFailed"),
        failures: parseInteger(raw[2], "storeHealth.markFailed"),
      };
    }
    throw new Error(`script storeHealth.markFailed returned ${JSON.stringify(raw)}`);
  },
});
