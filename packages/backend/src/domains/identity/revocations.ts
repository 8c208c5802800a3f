import type { Broadcast } from "../../infra/broadcast";
import type { Database } from "../../infra/db";
import { asDatabaseUnavailable } from "../../infra/db-availability";
import { DatabaseUnavailable } from "../../infra/errors";
import type { Logger } from "../../infra/logger";
import { throttledWarn } from "../../infra/redis";
import { TimeoutError, withTimeout } from "../../infra/timeout";
import { sessionsRevokedSince } from "./sessions";

/**
 * Access tokens are stateless JWTs carrying their session id; a token is refused once its session
 * row has revoked_at set. The session row in Postgres is the only truth. Each replica mirrors the
 * recently revoked session ids in memory, read from Postgres at most REFRESH_AFTER_MS apart while
 * requests come in, and never answers from a copy older than STALE_AFTER_MS: whatever happens to
 * Redis, a revoked session is refused by every replica within that bound. A Redis broadcast only
 * makes the other replicas learn sooner than their next read; losing it loses nothing.
 */
export interface Revocations {
  /** The session row is already revoked: tell the other replicas now rather than at their next read. */
  announce(sessionId: string): Promise<void>;
  /** True when the session was revoked. Throws DatabaseUnavailable (503) when Postgres cannot be read. */
  isRevoked(sessionId: string): Promise<boolean>;
}

export interface RevocationSettings {
  db: Database;
  broadcast: Broadcast;
  log: Logger;
  accessTokenTtlSeconds: number;
}

const CHANNEL = "auth:revocations";
// A request past this age of the mirror reads Postgres in the background, the request goes on.
const REFRESH_AFTER_MS = 500;
// Past this age a request waits for a fresh read: the bound on how long a revoked session works.
export const STALE_AFTER_MS = 1_000;
const READ_TIMEOUT_MS = 1_000;
// After a failed read, requests are refused for this long instead of each queueing another read.
const RETRY_AFTER_FAILURE_MS = 250;
// Each read goes back this far before the newest revocation seen: a revocation stamped earlier
// may commit after a later one (commit latency), and must not fall behind the cursor.
const COMMIT_OVERLAP_MS = 10_000;
// A token signed just as its session was revoked still lives one TTL; this covers the clocks between.
const CLOCK_MARGIN_MS = 60_000;
const BROADCAST_TIMEOUT_MS = 500;

export function createRevocations(settings: RevocationSettings): Revocations {
  const { db, broadcast } = settings;
  const warn = throttledWarn(settings.log.child({ component: "revocations" }), 10_000);
  const keepMs = settings.accessTokenTtlSeconds * 1000 + CLOCK_MARGIN_MS;
  // session id -> when no token of it can be alive any more (then it is forgotten).
  const revoked = new Map<string, number>();
  let cursor = new Date(Date.now() - keepMs);
  let readAt = Number.NEGATIVE_INFINITY;
  let failedAt = Number.NEGATIVE_INFINITY;
  let failure: DatabaseUnavailable = new DatabaseUnavailable("unreachable");
  let reading: Promise<void> | undefined;

  const remember = (sessionId: string, revokedAtMs: number) => {
    const until = revokedAtMs + keepMs;
    if (until > Date.now() && (revoked.get(sessionId) ?? 0) < until) revoked.set(sessionId, until);
  };
  const forgetExpired = () => {
    const now = Date.now();
    for (const [sessionId, until] of revoked) if (until <= now) revoked.delete(sessionId);
  };

  /** One read at a time, shared by every request that needs it. */
  function readPostgres(): Promise<void> {
    reading ??= (async () => {
      // Rows committed before the statement starts are in its snapshot; this is the mirror's age from here.
      const startedAt = Date.now();
      try {
        const rows = await withTimeout(sessionsRevokedSince(db, cursor), READ_TIMEOUT_MS, "session revocations read");
        let newest = cursor.getTime() + COMMIT_OVERLAP_MS;
        for (const row of rows) {
          remember(row.id, row.revokedAt.getTime());
          newest = Math.max(newest, row.revokedAt.getTime());
        }
        cursor = new Date(newest - COMMIT_OVERLAP_MS);
        readAt = startedAt;
        forgetExpired();
      } catch (error) {
        failedAt = Date.now();
        // The cause a client and on-call should see is the database, whichever way the read failed.
        failure = asDatabaseUnavailable(error) ?? new DatabaseUnavailable(error instanceof TimeoutError ? "timeout" : "unreachable");
        warn({ err: error instanceof Error ? error.message : String(error) }, "revoked sessions could not be read from Postgres");
        throw error;
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  }

  broadcast.subscribe(CHANNEL, {
    onMessage(message) {
      const [sessionId, at] = message.split("|");
      if (sessionId && at) remember(sessionId, Number(at));
    },
    // Messages missed while away are in Postgres; catch up now rather than at the next request.
    onLive: () => readPostgres().catch(() => undefined),
    onLost: () => undefined,
  });

  return {
    async announce(sessionId) {
      const at = Date.now();
      remember(sessionId, at);
      try {
        await withTimeout(broadcast.publish(CHANNEL, `${sessionId}|${at}`), BROADCAST_TIMEOUT_MS, "revocation broadcast");
      } catch (error) {
        // The other replicas still see the row at their next read, within STALE_AFTER_MS.
        warn({ err: error instanceof Error ? error.message : String(error) }, "revocation broadcast failed");
      }
    },

    async isRevoked(sessionId) {
      const age = Date.now() - readAt;
      if (age > STALE_AFTER_MS) {
        if (!reading && Date.now() - failedAt < RETRY_AFTER_FAILURE_MS) throw failure;
        await readPostgres().catch(() => {
          throw failure;
        });
      } else if (age > REFRESH_AFTER_MS) {
        readPostgres().catch(() => undefined);
      }
      return (revoked.get(sessionId) ?? 0) > Date.now();
    },
  };
}
