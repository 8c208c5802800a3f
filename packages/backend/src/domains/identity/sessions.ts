import { and, asc, desc, eq, gt, isNotNull, isNull, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { refreshTokens, sessions, users } from "./schema";

export type RevokeReason = "LOGOUT" | "REVOKED" | "EVICTED" | "TOKEN_REUSED";

export interface SessionStart {
  userId: string;
  deviceId?: string;
  userAgent?: string;
  ip?: string;
  refreshHash: string;
  expiresAt: Date;
  maxActive: number;
}

const active = (now: Date) => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now));
// The database's clock at the statement, not the transaction's start nor an app server's clock:
// replicas read revocations by revoked_at, and one clock keeps that order close to commit order.
const revokedNow = sql<Date>`clock_timestamp()`;

/**
 * Opens a session with its first refresh token and evicts the oldest active sessions beyond
 * maxActive. The user's row is locked first so two logins at once cannot both keep a fourth.
 */
export async function startSession(db: Database, start: SessionStart): Promise<{ sessionId: string; evicted: string[] }> {
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, start.userId)).for("update");
    const [session] = await tx
      .insert(sessions)
      .values({
        userId: start.userId,
        deviceId: start.deviceId,
        userAgent: start.userAgent,
        ip: start.ip,
        expiresAt: start.expiresAt,
      })
      .returning({ id: sessions.id });
    if (!session) throw new Error("session insert returned nothing");
    await tx.insert(refreshTokens).values({ sessionId: session.id, tokenHash: start.refreshHash, expiresAt: start.expiresAt });
    const now = new Date();
    const keep = tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, start.userId), active(now)))
      .orderBy(desc(sessions.createdAt), desc(sessions.id))
      .limit(start.maxActive);
    const evicted = await tx
      .update(sessions)
      .set({ revokedAt: revokedNow, revokedReason: "EVICTED", updatedAt: now })
      .where(and(eq(sessions.userId, start.userId), active(now), notInArray(sessions.id, keep)))
      .returning({ id: sessions.id });
    return { sessionId: session.id, evicted: evicted.map((row) => row.id) };
  });
}

export type RotationOutcome =
  | { kind: "ROTATED"; sessionId: string; userId: string; role: "customer" | "staff" | "admin" }
  | { kind: "REUSED"; sessionId: string }
  | { kind: "UNKNOWN" }
  | { kind: "EXPIRED" }
  | { kind: "REVOKED" };

/**
 * Spends the presented refresh token and issues its successor in the same session. The token is
 * marked used with a conditional update, so of two concurrent refreshes with one token exactly
 * one rotates and the other counts as reuse.
 */
export async function rotateRefreshToken(
  db: Database,
  presentedHash: string,
  next: { hash: string; expiresAt: Date },
): Promise<RotationOutcome> {
  return db.transaction(async (tx): Promise<RotationOutcome> => {
    const now = new Date();
    const [found] = await tx
      .select({
        tokenId: refreshTokens.id,
        usedAt: refreshTokens.usedAt,
        tokenExpiresAt: refreshTokens.expiresAt,
        sessionId: sessions.id,
        revokedAt: sessions.revokedAt,
        userId: users.id,
        role: users.role,
      })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.tokenHash, presentedHash));
    if (!found) return { kind: "UNKNOWN" };
    if (found.revokedAt) return { kind: "REVOKED" };
    if (found.usedAt) return { kind: "REUSED", sessionId: found.sessionId };
    if (found.tokenExpiresAt <= now) return { kind: "EXPIRED" };
    const spent = await tx
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.id, found.tokenId), isNull(refreshTokens.usedAt)))
      .returning({ id: refreshTokens.id });
    if (spent.length === 0) return { kind: "REUSED", sessionId: found.sessionId };
    await tx.insert(refreshTokens).values({ sessionId: found.sessionId, tokenHash: next.hash, expiresAt: next.expiresAt });
    await tx
      .update(sessions)
      .set({ lastUsedAt: now, expiresAt: next.expiresAt, updatedAt: now })
      .where(eq(sessions.id, found.sessionId));
    return { kind: "ROTATED", sessionId: found.sessionId, userId: found.userId, role: found.role };
  });
}

/** Revokes a session if it is still active (and, when given, belongs to userId); answers whether it did. */
export async function revokeSession(
  db: Database,
  sessionId: string,
  reason: RevokeReason,
  userId?: string,
): Promise<boolean> {
  const now = new Date();
  const owner = userId ? eq(sessions.userId, userId) : undefined;
  const rows = await db
    .update(sessions)
    .set({ revokedAt: revokedNow, revokedReason: reason, updatedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), owner))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

export async function listActiveSessions(db: Database, userId: string) {
  return db
    .select({
      id: sessions.id,
      deviceId: sessions.deviceId,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), active(new Date())))
    .orderBy(asc(sessions.createdAt));
}

/** Sessions revoked after `since`, for every replica's mirror of revoked sessions (revocations.ts). */
export async function sessionsRevokedSince(db: Database, since: Date): Promise<{ id: string; revokedAt: Date }[]> {
  const rows = await db
    .select({ id: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(and(isNotNull(sessions.revokedAt), gt(sessions.revokedAt, since)));
  return rows.flatMap((row) => (row.revokedAt ? [{ id: row.id, revokedAt: row.revokedAt }] : []));
}
