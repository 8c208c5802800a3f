import { Redis } from "ioredis";
import type { Logger } from "./logger";
import { withTimeout } from "./timeout";

export type { Redis };

/** A down Redis logs at most one warning per client in this window instead of one per retry. */
const ERROR_LOG_INTERVAL_MS = 10_000;
const CONNECT_TIMEOUT_MS = 3_000;
const RECONNECT_BASE_MS = 50;
const RECONNECT_CAP_MS = 1_000;
const QUIT_TIMEOUT_MS = 2_000;

/** The URL as it may appear in a log line: the password replaced, whatever else it carries. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "[unparseable redis url]";
  }
}

/**
 * A warn that logs each message at most once per interval, with how many it swallowed
 * meanwhile, so a dependency failing on every retry cannot flood the log (nor hide another message).
 */
export function throttledWarn(log: Logger, intervalMs: number): (fields: Record<string, unknown>, message: string) => void {
  const seen = new Map<string, { lastAt: number; suppressed: number }>();
  return (fields, message) => {
    const now = Date.now();
    const state = seen.get(message);
    if (state && now - state.lastAt < intervalMs) {
      state.suppressed += 1;
      return;
    }
    log.warn({ ...fields, suppressed: state?.suppressed ?? 0 }, message);
    seen.set(message, { lastAt: now, suppressed: 0 });
  };
}

/** Capped exponential backoff with jitter; never gives up, so Redis coming back heals the process. */
export function reconnectDelayMs(attempt: number): number {
  const exponential = RECONNECT_BASE_MS * 2 ** Math.min(attempt - 1, 16);
  return Math.min(exponential, RECONNECT_CAP_MS) + Math.floor(Math.random() * 100);
}

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 1000;

/**
 * An ioredis client that survives Redis being away: errors are logged (rate-limited) rather
 * than thrown as unhandled 'error' events, and a command never waits on a dead Redis. Once the
 * first connection was made, a command without one fails at once (the offline queue is turned off:
 * it waited for the reconnect, which every request paid during an outage); on a connection that
 * stopped answering it fails after commandTimeoutMs. Every caller has a fallback (locks, rate
 * limits, revocations, dirty marks). Before the first connection commands queue as usual (start-up).
 */
export function createRedisClient(url: string, log: Logger, name: string, commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): Redis {
  const client = new Redis(url, {
    connectionName: `pazarsync:${name}`,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    // A command whose reply was lost is not sent again after the reconnect: its caller has long
    // fallen back, and a lock acquire replayed then would hold the keys for a whole ttl.
    autoResendUnfulfilledCommands: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelayMs,
  });
  const clientLog = log.child({ redis: name, url: redactRedisUrl(url) });
  const warn = throttledWarn(clientLog, ERROR_LOG_INTERVAL_MS);
  let failing = false;

  client.on("error", (err: unknown) => {
    failing = true;
    warn({ err: err instanceof Error ? err.message : String(err) }, "redis connection error");
  });
  client.on("ready", () => {
    // ioredis reads this option on every command.
    client.options.enableOfflineQueue = false;
    if (!failing) return;
    failing = false;
    clientLog.info("redis connection restored");
  });
  return client;
}

/** True while the client has a live connection; commands sent otherwise fail at once. */
export const isReady = (client: Redis) => client.status === "ready";

/** For readiness probes: rejects with a TimeoutError instead of waiting on ioredis's offline queue. */
export async function pingWithTimeout(client: Redis, ms: number): Promise<void> {
  await withTimeout(client.ping(), ms, `redis ping (${client.options.connectionName ?? "client"})`);
}

/** Graceful QUIT (pending replies arrive), falling back to dropping the socket when Redis is away. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  try {
    await withTimeout(client.quit(), QUIT_TIMEOUT_MS, "redis quit");
  } catch {
    // Redis unreachable or already closing: nothing is left to flush, just stop reconnecting.
  }
  // Also after a successful QUIT: a client that was reconnecting must stop its timer.
  client.disconnect();
}
