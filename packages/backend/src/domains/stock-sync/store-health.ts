/**
 * Per-store backoff and circuit breaker for marketplace pushes (DESIGN "Stock sync": back off per
 * store with jitter, open a circuit after repeated failures; MARKETPLACES: full jitter, honour
 * Retry-After). State lives in the KeyValueStore so replicas sharing Redis agree on it, and each
 * change is one atomic script (store-health-scripts), so exactly one replica wins a half-open trial.
 *
 * Key (under the store's prefix): sync:health:{storeId}, one JSON record.
 */
import type { KeyValueStore } from "../../infra/kv";
import { checkAttempt, decodeRecord, markFailed, markHealthy, stateAt, type CircuitState } from "./store-health-scripts";

export interface StoreHealthOptions {
  now?: () => number;
  /** In [0, 1): the jitter draw. */
  random?: () => number;
  /** The first failure's backoff ceiling; doubles per failure in a row. Default 1 s. */
  baseDelayMs?: number;
  /** The backoff ceiling never grows past this. Default 5 min. */
  maxDelayMs?: number;
  /** Failures in a row that open the circuit. Default 5. */
  openAfterFailures?: number;
  /** How long an opened circuit refuses before one half-open trial. Default 60 s. */
  openForMs?: number;
  /** A trial that never reports (its replica crashed) frees the store after this. Default 2 min. */
  trialLeaseMs?: number;
  /** A Retry-After longer than this is cut to it, so a bogus header cannot park a store for days. Default 1 h. */
  maxRetryAfterMs?: number;
}

interface HealthSnapshot {
  state: CircuitState;
  failures: number;
  /** When the store may be tried again; null when it may be tried now. */
  retryAt: number | null;
  lastError: string | null;
  lastFailureAt: number | null;
}

export interface StoreHealth {
  /**
   * Closed and past any backoff: allowed. In backoff or open: refused until retryAt. Past the
   * open time: exactly one caller, across replicas, is allowed a half-open trial.
   */
  canAttempt(storeId: string): Promise<{ allowed: boolean; state: CircuitState; retryAt: number | null }>;
  /** Closes the circuit and clears failures and backoff. */
  recordSuccess(storeId: string): Promise<void>;
  /**
   * Backs off with full jitter (random x min(max, base x 2^(failures-1))), or Retry-After when
   * longer; opens the circuit after openAfterFailures in a row or when a half-open trial fails.
   */
  recordFailure(storeId: string, info: { retryAfterMs?: number; error: string }): Promise<{ state: CircuitState; retryAt: number; failures: number }>;
  /** For the status endpoint; never changes anything. */
  snapshot(storeId: string): Promise<HealthSnapshot>;
}

/** A healthy store's record (its last error) is kept this long after its last event, then forgotten. */
const HISTORY_MS = 24 * 60 * 60 * 1000;
/** Enough to tell an operator what went wrong without letting a huge body bloat the record. */
const MAX_ERROR_CHARS = 500;

const healthKey = (storeId: string) => `sync:health:${storeId}`;

function positive(name: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a positive ${integer ? "integer" : "number"}, got ${value}`);
  }
  return value;
}

/** Code points, not UTF-16 units, so a cut never leaves half a surrogate pair. */
function shorten(error: string): string {
  const chars = Array.from(error);
  return chars.length <= MAX_ERROR_CHARS ? error : chars.slice(0, MAX_ERROR_CHARS).join("");
}

export function createStoreHealth(kv: KeyValueStore, options: StoreHealthOptions = {}): StoreHealth {
  const clock = options.now ?? Date.now;
  // Times are stored as integers; a fractional clock must not make Lua and memory disagree.
  const now = () => Math.floor(clock());
  const random = options.random ?? Math.random;
  const baseDelayMs = positive("baseDelayMs", options.baseDelayMs ?? 1_000);
  const maxDelayMs = positive("maxDelayMs", options.maxDelayMs ?? 300_000);
  const openAfterFailures = positive("openAfterFailures", options.openAfterFailures ?? 5, true);
  const openForMs = positive("openForMs", options.openForMs ?? 60_000, true);
  const trialLeaseMs = positive("trialLeaseMs", options.trialLeaseMs ?? 120_000, true);
  const maxRetryAfterMs = positive("maxRetryAfterMs", options.maxRetryAfterMs ?? 3_600_000);
  if (maxDelayMs < baseDelayMs) throw new RangeError(`maxDelayMs (${maxDelayMs}) is below baseDelayMs (${baseDelayMs})`);

  /** A missing, negative or unreadable Retry-After means none was given. */
  function retryAfter(ms: number | undefined): number {
    if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return 0;
    return Math.min(Math.ceil(ms), Math.ceil(maxRetryAfterMs));
  }

  /** A random() outside [0, 1) would break the jitter bounds; clamp it. */
  function jitter(): number {
    const draw = random();
    return Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1 - Number.EPSILON) : 0;
  }

  return {
    canAttempt: (storeId) => kv.runScript(checkAttempt, [healthKey(storeId)], [now(), trialLeaseMs, HISTORY_MS]),

    async recordSuccess(storeId) {
      await kv.runScript(markHealthy, [healthKey(storeId)], [now(), HISTORY_MS]);
    },

    recordFailure(storeId, info) {
      const args = [now(), jitter(), retryAfter(info.retryAfterMs), shorten(info.error)];
      const config = [baseDelayMs, maxDelayMs, openAfterFailures, openForMs, HISTORY_MS];
      return kv.runScript(markFailed, [healthKey(storeId)], [...args, ...config]);
    },

    async snapshot(storeId) {
      const at = now();
      const record = decodeRecord(await kv.get(healthKey(storeId)));
      const state = stateAt(record, at);
      const until = state === "open" ? record.o : state === "half-open" ? record.t : record.r;
      return {
        state,
        failures: record.f,
        retryAt: until > at ? until : null,
        lastError: record.a > 0 ? record.e : null,
        lastFailureAt: record.a > 0 ? record.a : null,
      };
    },
  };
}
