/**
 * The key-value port behind the dirty buffer, rate-limit counters, token blacklist and token
 * buckets. Two implementations: kv-redis.ts (production, shared by replicas) and kv-memory.ts
 * (embedded mode, one process). Atomic multi-step operations are written once as an
 * AtomicScript: Lua for Redis and a synchronous function for memory (kv-scripts.ts).
 *
 * Import from here; the implementation files import only types from this file, so there is
 * no runtime import cycle.
 */
export interface ScoredMember {
  member: string;
  score: number;
}

export interface SetOptions {
  ttlMs?: number;
  onlyIfAbsent?: boolean;
}

export interface KeyValueStore {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  /** False when onlyIfAbsent refused because the key exists. */
  set(key: string, value: string, opts?: SetOptions): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  exists(key: string): Promise<boolean>;
  /** Redis semantics: -2 when the key is missing, -1 when it has no expiry. */
  pttl(key: string): Promise<number>;
  /** Fixed window counter: the expiry is set when the key is created, in the same atomic step. */
  incrWithExpiry(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }>;
  /** Returns how many members were new. onlyIfAbsent keeps the first score (ZADD NX). */
  zadd(key: string, members: ScoredMember[], opts?: { onlyIfAbsent?: boolean }): Promise<number>;
  /** Ascending by score, then member; limit counts from the lowest score. */
  zrangeByScore(key: string, min: number, max: number, limit?: number): Promise<ScoredMember[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  zcard(key: string): Promise<number>;
  zscore(key: string, member: string): Promise<number | null>;
  /** Keys get the store's prefix like every other key; args reach the script as strings. */
  runScript<T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The in-memory store's data, synchronous so a script's `local` runs without yielding and is
 * therefore atomic. Keys here are full keys (prefix already applied), like Lua's KEYS.
 */
export interface MemoryData {
  get(key: string): string | null;
  set(key: string, value: string, opts?: SetOptions): boolean;
  del(...keys: string[]): number;
  exists(key: string): boolean;
  pttl(key: string): number;
  incrWithExpiry(key: string, ttlMs: number): { count: number; ttlMs: number };
  zadd(key: string, members: ScoredMember[], opts?: { onlyIfAbsent?: boolean }): number;
  zrangeByScore(key: string, min: number, max: number, limit?: number): ScoredMember[];
  zrem(key: string, ...members: string[]): number;
  zcard(key: string): number;
  zscore(key: string, member: string): number | null;
}

export interface ScriptDefinition<T> {
  /** For logs and errors. */
  name: string;
  /** Runs on Redis with KEYS and ARGV (ARGV are strings, as in any Lua script). */
  lua: string;
  /** The same operation against the in-memory data; args are strings here too, to match Lua. */
  local: (data: MemoryData, keys: string[], args: string[]) => T;
  /** Turns the raw Redis reply into T, checking its shape. */
  parse: (raw: unknown) => T;
}

export interface AtomicScript<T> extends ScriptDefinition<T> {
  /** SHA1 of lua, for EVALSHA. */
  readonly sha: string;
}

export { createMemoryKeyValue, MemoryDataStore, type MemoryKeyValueOptions } from "./kv-memory";
export { createRedisKeyValue, type RedisKeyValueOptions } from "./kv-redis";
export { compareAndDelete, defineScript, incrementInWindow, parseInteger } from "./kv-scripts";
