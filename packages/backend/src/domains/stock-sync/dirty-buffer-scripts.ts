/**
 * The dirty buffer's atomic steps, each written once as Lua (Redis) and once over MemoryData
 * (embedded). Every step that touches more than one key is one script, so two replicas can
 * never claim the same mark and a crash can never leave a mark in neither place.
 *
 * Scores: a mark's score is the ms time it first became dirty; a zero-first mark (the product
 * dropped to 0) is stored as that time minus ZERO_OFFSET, so it sorts before every normal mark
 * while still carrying its first-dirty time. Merging two marks of one product keeps the earlier
 * time and the zero flag if either had it.
 */
import { defineScript, parseInteger, type MemoryData } from "../../infra/kv";

/** Larger than any ms timestamp we will see (year 2286), so zero-first scores are negative. */
export const ZERO_OFFSET = 1e13;

export function encodeScore(firstMarkedAt: number, zero: boolean): number {
  return zero ? firstMarkedAt - ZERO_OFFSET : firstMarkedAt;
}

export function decodeScore(score: number): { firstMarkedAt: number; zero: boolean } {
  return score < 0 ? { firstMarkedAt: score + ZERO_OFFSET, zero: true } : { firstMarkedAt: score, zero: false };
}

function mergeScores(existing: number | null, incoming: number): number {
  if (existing === null) return incoming;
  const a = decodeScore(existing);
  const b = decodeScore(incoming);
  return encodeScore(Math.min(a.firstMarkedAt, b.firstMarkedAt), a.zero || b.zero);
}

const LUA_HELPERS = `
local OFFSET = ${ZERO_OFFSET}
local function decode(s) if s < 0 then return s + OFFSET, true end return s, false end
local function merge(existing, incoming)
  if not existing then return incoming end
  local et, ez = decode(tonumber(existing))
  local it, iz = decode(incoming)
  local t = math.min(et, it)
  if ez or iz then return t - OFFSET end
  return t
end
local function mark(dirty, member, score)
  local existing = redis.call("ZSCORE", dirty, member)
  local merged = merge(existing, score)
  redis.call("ZADD", dirty, string.format("%.0f", merged), member)
  if existing then return 0 end
  return 1
end
local function restore(processing, dirty, member)
  local score = redis.call("ZSCORE", processing, member)
  if not score then return 0 end
  mark(dirty, member, tonumber(score))
  redis.call("ZREM", processing, member)
  return 1
end
local function settle(store, dirty, claims, stores, now)
  if redis.call("ZCARD", dirty) > 0 then
    redis.call("ZADD", stores, "NX", now, store)
  elseif redis.call("ZCARD", claims) == 0 then
    redis.call("ZREM", stores, store)
  end
end
local function dropClaim(processing, leases, claims, store, claimId)
  redis.call("DEL", processing)
  redis.call("ZREM", leases, store .. ":" .. claimId)
  redis.call("ZREM", claims, claimId)
end
`;

function key(keys: string[], index: number, script: string): string {
  const value = keys[index];
  if (value === undefined) throw new Error(`${script} needs key ${index + 1}`);
  return value;
}

function arg(args: string[], index: number, script: string): string {
  const value = args[index];
  if (value === undefined) throw new Error(`${script} needs argument ${index + 1}`);
  return value;
}

function mark(data: MemoryData, dirty: string, member: string, score: number): number {
  const existing = data.zscore(dirty, member);
  data.zadd(dirty, [{ member, score: mergeScores(existing, score) }]);
  return existing === null ? 1 : 0;
}

function restore(data: MemoryData, processing: string, dirty: string, member: string): number {
  const score = data.zscore(processing, member);
  if (score === null) return 0;
  mark(data, dirty, member, score);
  data.zrem(processing, member);
  return 1;
}

/** Keeps the invariant: a store is listed while it has marks or claims in flight. */
function settle(data: MemoryData, store: string, dirty: string, claims: string, stores: string, now: number): void {
  if (data.zcard(dirty) > 0) data.zadd(stores, [{ member: store, score: now }], { onlyIfAbsent: true });
  else if (data.zcard(claims) === 0) data.zrem(stores, store);
}

function dropClaim(data: MemoryData, processing: string, leases: string, claims: string, store: string, claimId: string): void {
  data.del(processing);
  data.zrem(leases, `${store}:${claimId}`);
  data.zrem(claims, claimId);
}

function allMembers(data: MemoryData, zset: string): string[] {
  return data.zrangeByScore(zset, -Infinity, Infinity).map((m) => m.member);
}

/** A flat [member, score, member, score, ...] reply of strings. */
function parsePairs(raw: unknown, script: string): { member: string; score: number }[] {
  if (!Array.isArray(raw) || raw.length % 2 !== 0) throw new Error(`script ${script} returned ${JSON.stringify(raw)}`);
  const pairs: { member: string; score: number }[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const member: unknown = raw[i];
    const score = Number(raw[i + 1]);
    if (typeof member !== "string" || !Number.isFinite(score)) throw new Error(`script ${script} returned a bad pair`);
    pairs.push({ member, score });
  }
  return pairs;
}

/** KEYS: dirty, stores. ARGV: storeId, now, then member, score pairs. Returns how many were new. */
export const addMarks = defineScript<number>({
  name: "dirtyBuffer.addMarks",
  lua: `${LUA_HELPERS}
local added = 0
for i = 3, #ARGV, 2 do added = added + mark(KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end
redis.call("ZADD", KEYS[2], "NX", ARGV[2], ARGV[1])
return added
`,
  local(data, keys, args) {
    const [dirty, stores] = [key(keys, 0, "addMarks"), key(keys, 1, "addMarks")];
    let added = 0;
    for (let i = 2; i + 1 < args.length; i += 2) added += mark(data, dirty, arg(args, i, "addMarks"), Number(args[i + 1]));
    data.zadd(stores, [{ member: arg(args, 0, "addMarks"), score: Number(arg(args, 1, "addMarks")) }], { onlyIfAbsent: true });
    return added;
  },
  parse: (raw) => parseInteger(raw, "dirtyBuffer.addMarks"),
});

/**
 * KEYS: dirty, processing, leases, claims. ARGV: storeId, claimId, leaseUntil, limit.
 * Moves the lowest-scored marks into the processing key and registers the lease; returns them.
 */
export const claimMarks = defineScript<{ member: string; score: number }[]>({
  name: "dirtyBuffer.claimMarks",
  lua: `
local items = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", "+inf", "WITHSCORES", "LIMIT", 0, tonumber(ARGV[4]))
if #items == 0 then return {} end
for i = 1, #items, 2 do
  redis.call("ZADD", KEYS[2], items[i + 1], items[i])
  redis.call("ZREM", KEYS[1], items[i])
end
redis.call("ZADD", KEYS[3], ARGV[3], ARGV[1] .. ":" .. ARGV[2])
redis.call("ZADD", KEYS[4], ARGV[3], ARGV[2])
return items
`,
  local(data, keys, args) {
    const [dirty, processing, leases, claims] = [0, 1, 2, 3].map((i) => key(keys, i, "claimMarks")) as [string, string, string, string];
    const [store, claimId, leaseUntil, limit] = [0, 1, 2, 3].map((i) => arg(args, i, "claimMarks")) as [string, string, string, string];
    const items = data.zrangeByScore(dirty, -Infinity, Infinity, Number(limit));
    if (items.length === 0) return [];
    data.zadd(processing, items);
    data.zrem(dirty, ...items.map((m) => m.member));
    data.zadd(leases, [{ member: `${store}:${claimId}`, score: Number(leaseUntil) }]);
    data.zadd(claims, [{ member: claimId, score: Number(leaseUntil) }]);
    return items;
  },
  parse: (raw) => parsePairs(raw, "dirtyBuffer.claimMarks"),
});

/** KEYS: processing, leases, claims, dirty, stores. ARGV: storeId, claimId, now. 1 if the claim was still held. */
export const ackClaim = defineScript<number>({
  name: "dirtyBuffer.ackClaim",
  lua: `${LUA_HELPERS}
local held = redis.call("ZREM", KEYS[3], ARGV[2])
dropClaim(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
settle(ARGV[1], KEYS[4], KEYS[3], KEYS[5], ARGV[3])
return held
`,
  local(data, keys, args) {
    const [processing, leases, claims, dirty, stores] = [0, 1, 2, 3, 4].map((i) => key(keys, i, "ackClaim")) as [string, string, string, string, string];
    const [store, claimId, now] = [0, 1, 2].map((i) => arg(args, i, "ackClaim")) as [string, string, string];
    const held = data.zscore(claims, claimId) === null ? 0 : 1;
    dropClaim(data, processing, leases, claims, store, claimId);
    settle(data, store, dirty, claims, stores, Number(now));
    return held;
  },
  parse: (raw) => parseInteger(raw, "dirtyBuffer.ackClaim"),
});

/**
 * KEYS: processing, leases, claims, dirty, stores. ARGV: storeId, claimId, now, then products
 * (none means the whole claim). Returns how many marks went back; the claim ends when empty.
 */
export const putBackClaim = defineScript<number>({
  name: "dirtyBuffer.putBackClaim",
  lua: `${LUA_HELPERS}
local members = {}
for i = 4, #ARGV do members[#members + 1] = ARGV[i] end
if #members == 0 then members = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", "+inf") end
local restored = 0
for _, member in ipairs(members) do restored = restored + restore(KEYS[1], KEYS[4], member) end
if redis.call("ZCARD", KEYS[1]) == 0 then dropClaim(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2]) end
settle(ARGV[1], KEYS[4], KEYS[3], KEYS[5], ARGV[3])
return restored
`,
  local(data, keys, args) {
    const [processing, leases, claims, dirty, stores] = [0, 1, 2, 3, 4].map((i) => key(keys, i, "putBackClaim")) as [string, string, string, string, string];
    const [store, claimId, now] = [0, 1, 2].map((i) => arg(args, i, "putBackClaim")) as [string, string, string];
    const members = args.length > 3 ? args.slice(3) : allMembers(data, processing);
    let restored = 0;
    for (const member of members) restored += restore(data, processing, dirty, member);
    if (data.zcard(processing) === 0) dropClaim(data, processing, leases, claims, store, claimId);
    settle(data, store, dirty, claims, stores, Number(now));
    return restored;
  },
  parse: (raw) => parseInteger(raw, "dirtyBuffer.putBackClaim"),
});

/**
 * KEYS: leases, stores, root (the "sync:" namespace with the prefix applied). ARGV: now, max.
 * The per-claim keys are derived from the root, so this script touches keys it was not given:
 * fine on one Redis (what we run), not on Redis Cluster. Returns { claims, items } recovered.
 */
export const recoverLeases = defineScript<{ claims: number; items: number }>({
  name: "dirtyBuffer.recoverLeases",
  lua: `${LUA_HELPERS}
local expired = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, tonumber(ARGV[2]))
local items = 0
for _, lease in ipairs(expired) do
  local store, claimId = string.match(lease, "^(.*):([^:]*)$")
  local processing = KEYS[3] .. "processing:" .. lease
  local dirty = KEYS[3] .. "dirty:" .. store
  local claims = KEYS[3] .. "claims:" .. store
  for _, member in ipairs(redis.call("ZRANGEBYSCORE", processing, "-inf", "+inf")) do
    items = items + restore(processing, dirty, member)
  end
  dropClaim(processing, KEYS[1], claims, store, claimId)
  settle(store, dirty, claims, KEYS[2], ARGV[1])
end
return { #expired, items }
`,
  local(data, keys, args) {
    const [leases, stores, root] = [0, 1, 2].map((i) => key(keys, i, "recoverLeases")) as [string, string, string];
    const now = Number(arg(args, 0, "recoverLeases"));
    const expired = data.zrangeByScore(leases, -Infinity, now, Number(arg(args, 1, "recoverLeases")));
    let items = 0;
    for (const { member: lease } of expired) {
      const split = lease.lastIndexOf(":");
      const [store, claimId] = [lease.slice(0, split), lease.slice(split + 1)];
      const processing = `${root}processing:${lease}`;
      const dirty = `${root}dirty:${store}`;
      const claims = `${root}claims:${store}`;
      for (const member of allMembers(data, processing)) items += restore(data, processing, dirty, member);
      dropClaim(data, processing, leases, claims, store, claimId);
      settle(data, store, dirty, claims, stores, now);
    }
    return { claims: expired.length, items };
  },
  parse(raw) {
    if (Array.isArray(raw) && raw.length === 2) {
      return { claims: parseInteger(raw[0], "dirtyBuffer.recoverLeases"), items: parseInteger(raw[1], "dirtyBuffer.recoverLeases") };
    }
    throw new Error(`script dirtyBuffer.recoverLeases returned ${JSON.stringify(raw)}`);
  },
});
