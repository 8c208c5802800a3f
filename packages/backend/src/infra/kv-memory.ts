/**
 * The in-process KeyValueStore for embedded mode: correct for one process, nothing to install.
 * Redis semantics are kept where callers could notice (NX, PTTL codes, WRONGTYPE, score order).
 */
import type { AtomicScript, KeyValueStore, MemoryData, ScoredMember, SetOptions } from "./kv";
import { assertPositiveTtl, incrementInWindow } from "./kv-scripts";

type Clock = () => number;

type Entry =
  | { type: "string"; value: string; expiresAt: number | null }
  | { type: "zset"; scores: Map<string, number>; sorted: ScoredMember[] | null; expiresAt: number | null };

/** Keys that expire but are never read again (one counter per window) are swept this often. */
const SWEEP_INTERVAL_MS = 1_000;

function wrongType(): Error {
  return new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
}

function byScoreThenMember(a: ScoredMember, b: ScoredMember): number {
  if (a.score !== b.score) return a.score - b.score;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

export class MemoryDataStore implements MemoryData {
  private readonly entries = new Map<string, Entry>();
  private lastSweepAt: number;

  constructor(private readonly now: Clock = Date.now) {
    this.lastSweepAt = now();
  }

  get(key: string): string | null {
    const entry = this.live(key);
    if (!entry) return null;
    if (entry.type !== "string") throw wrongType();
    return entry.value;
  }

  set(key: string, value: string, opts: SetOptions = {}): boolean {
    const expiresAt = opts.ttlMs === undefined ? null : this.now() + assertPositiveTtl(opts.ttlMs);
    if (opts.onlyIfAbsent && this.live(key)) return false;
    this.write(key, { type: "string", value, expiresAt });
    return true;
  }

  del(...keys: string[]): number {
    let removed = 0;
    for (const key of keys) {
      if (this.live(key)) removed += 1;
      this.entries.delete(key);
    }
    return removed;
  }

  exists(key: string): boolean {
    return this.live(key) !== undefined;
  }

  pttl(key: string): number {
    const entry = this.live(key);
    if (!entry) return -2;
    return entry.expiresAt === null ? -1 : entry.expiresAt - this.now();
  }

  incrWithExpiry(key: string, ttlMs: number): { count: number; ttlMs: number } {
    const ttl = assertPositiveTtl(ttlMs);
    const entry = this.live(key);
    if (entry && entry.type !== "string") throw wrongType();
    const current = entry ? entry.value : "0";
    if (!/^-?\d+$/.test(current)) throw new Error("ERR value is not an integer or out of range");
    const count = Number(current) + 1;
    const expiresAt = entry?.expiresAt ?? this.now() + ttl;
    this.write(key, { type: "string", value: String(count), expiresAt });
    return { count, ttlMs: expiresAt - this.now() };
  }

  zadd(key: string, members: ScoredMember[], opts: { onlyIfAbsent?: boolean } = {}): number {
    let entry = this.zset(key);
    if (!entry) {
      if (members.length === 0) return 0;
      entry = { type: "zset", scores: new Map(), sorted: null, expiresAt: null };
      this.write(key, entry);
    }
    let added = 0;
    for (const { member, score } of members) {
      if (Number.isNaN(score)) throw new Error("ERR value is not a valid float");
      const known = entry.scores.has(member);
      if (known && opts.onlyIfAbsent) continue;
      if (!known) added += 1;
      entry.scores.set(member, score);
      entry.sorted = null;
    }
    return added;
  }

  zrangeByScore(key: string, min: number, max: number, limit?: number): ScoredMember[] {
    const entry = this.zset(key);
    if (!entry) return [];
    entry.sorted ??= [...entry.scores].map(([member, score]) => ({ member, score })).sort(byScoreThenMember);
    // As Redis: a negative limit means no limit.
    const count = limit === undefined || limit < 0 ? Infinity : limit;
    const result: ScoredMember[] = [];
    for (const item of entry.sorted) {
      if (result.length >= count) break;
      if (item.score > max) break;
      if (item.score >= min) result.push({ ...item });
    }
    return result;
  }

  zrem(key: string, ...members: string[]): number {
    const entry = this.zset(key);
    if (!entry) return 0;
    let removed = 0;
    for (const member of members) if (entry.scores.delete(member)) removed += 1;
    if (removed > 0) entry.sorted = null;
    // Redis drops a sorted set with its last member; EXISTS and PTTL must agree.
    if (entry.scores.size === 0) this.entries.delete(key);
    return removed;
  }

  zcard(key: string): number {
    return this.zset(key)?.scores.size ?? 0;
  }

  zscore(key: string, member: string): number | null {
    return this.zset(key)?.scores.get(member) ?? null;
  }

  /** Number of stored keys, expired ones included until swept; for leak tests. */
  get size(): number {
    return this.entries.size;
  }

  private zset(key: string): Extract<Entry, { type: "zset" }> | undefined {
    const entry = this.live(key);
    if (entry && entry.type !== "zset") throw wrongType();
    return entry;
  }

  /** Lazy expiry, as Redis does on access. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.sweepExpired();
  }

  private sweepExpired(): void {
    const now = this.now();
    if (now - this.lastSweepAt < SWEEP_INTERVAL_MS) return;
    this.lastSweepAt = now;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

export interface MemoryKeyValueOptions {
  prefix: string;
  /** Injectable clock so expiry can be tested without waiting. */
  now?: Clock;
  /** Share one data set between stores, as replicas share one Redis (prefix isolation tests). */
  data?: MemoryDataStore;
}

export function createMemoryKeyValue(options: MemoryKeyValueOptions): KeyValueStore {
  const { prefix } = options;
  const data = options.data ?? new MemoryDataStore(options.now);
  const full = (key: string) => prefix + key;

  // async so a throwing operation rejects like the Redis store does, instead of throwing synchronously.
  return {
    kind: "memory",
    get: async (key) => data.get(full(key)),
    set: async (key, value, opts) => data.set(full(key), value, opts),
    del: async (...keys) => data.del(...keys.map(full)),
    exists: async (key) => data.exists(full(key)),
    pttl: async (key) => data.pttl(full(key)),
    incrWithExpiry: async (key, ttlMs) => incrementInWindow.local(data, [full(key)], [String(assertPositiveTtl(ttlMs))]),
    zadd: async (key, members, opts) => data.zadd(full(key), members, opts),
    zrangeByScore: async (key, min, max, limit) => data.zrangeByScore(full(key), min, max, limit),
    zrem: async (key, ...members) => data.zrem(full(key), ...members),
    zcard: async (key) => data.zcard(full(key)),
    zscore: async (key, member) => data.zscore(full(key), member),
    runScript: async <T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]) =>
      script.local(data, keys.map(full), args.map(String)),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
