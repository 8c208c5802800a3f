import type { Identity } from "@pazarsync/shared";
import type { Config } from "../../config";
import type { Database } from "../../infra/db";
import { Conflict, Unauthenticated, ValidationFailed } from "../../infra/errors";
import { InvalidCredentials, SessionNotFound, TokenExpired, TokenReused, TokenRevoked } from "./errors";
import type { Broadcast } from "../../infra/broadcast";
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import { LruCache } from "../../infra/lru";
import { Registry } from "prom-client";
import type { Role } from "./model";
import { createLoginThrottle } from "./login-throttle";
import { createPasswordHasher } from "./passwords";
import { createRevocations } from "./revocations";
import * as sessionStore from "./sessions";
import { createAccessTokens, hashRefreshToken, newRefreshToken } from "./tokens";
import { listEmailCollisions, reconcileEmails } from "./email-collisions";
import { createIdentityMetrics } from "./metrics";
import { emailSkeleton, isUsableEmail, legacyStoredEmail, normaliseEmail } from "./emails";
import { assertEmailFree, findLoginAccount, findUserByEmail, findUserById, insertUser, type UserRecord } from "./users";

export interface IdentityDeps {
  db: Database;
  /** Where the revocation mirror reads (a connection outside the pool: infra/db.ts); `db` when omitted. */
  revocationsDb?: Database;
  kv: KeyValueStore;
  broadcast: Broadcast;
  config: Config;
  log: Logger;
  registry?: Registry;
}

/** Who is calling, as the guard resolved it from the access token. */
export interface Caller {
  userId: string;
  role: Role;
  sessionId: string;
  tokenId: string;
  tokenExpiresAt: number;
}

export interface RequestOrigin {
  ip: string;
  userAgent?: string;
}

export const MAX_ACTIVE_SESSIONS = 3;

const toUser = (u: UserRecord): Identity.User => ({ id: u.id, email: u.email, role: u.role, createdAt: u.createdAt.toISOString() });

export type IdentityService = ReturnType<typeof createIdentityService>;

export function createIdentityService(deps: IdentityDeps) {
  const { db, config, log } = deps;
  const auth = config.auth;
  const hasher = createPasswordHasher({ memoryCostKib: auth.passwordMemoryCostKib, timeCost: auth.passwordTimeCost });
  const accessTokens = createAccessTokens(config.jwtSecret, auth.accessTokenTtlSeconds);
  const revocations = createRevocations({ db: deps.revocationsDb ?? db, broadcast: deps.broadcast, log, accessTokenTtlSeconds: auth.accessTokenTtlSeconds });
  const metrics = createIdentityMetrics(deps.registry ?? new Registry());
  const throttle = createLoginThrottle({ kv: deps.kv, log, settings: auth });
  // Accounts change only through this service today (no email or role edits); a short TTL bounds
  // staleness should that change, and /me is called on every app start.
  const profiles = new LruCache<string, Identity.User>(10_000, 30_000);
  const refreshExpiry = () => new Date(Date.now() + auth.refreshTokenTtlDays * 86_400_000);

  async function tokensFor(user: { userId: string; role: Role }, sessionId: string, refreshToken: string) {
    const { token } = await accessTokens.sign({ userId: user.userId, role: user.role, sessionId });
    return {
      accessToken: token,
      refreshToken,
      expiresIn: auth.accessTokenTtlSeconds,
      tokenType: "Bearer" as const,
      sessionId,
    } satisfies Identity.Tokens;
  }

  /** Ends a session everywhere: its row (the truth every replica reads), then a broadcast so they know at once. */
  async function endSession(sessionId: string, reason: sessionStore.RevokeReason, userId?: string): Promise<boolean> {
    const ended = await sessionStore.revokeSession(db, sessionId, reason, userId);
    if (ended) await revocations.announce(sessionId);
    return ended;
  }

  /** Refuses an email that is taken or looks like one that is (before paying for the hash). */
  async function createAccount(rawEmail: string, password: string, role: Role): Promise<UserRecord> {
    const email = normaliseEmail(rawEmail);
    if (!isUsableEmail(email)) {
      throw new ValidationFailed("The email is not valid once invisible characters are removed", {
        fields: [{ in: "body", path: "/email", message: "is not a valid email" }],
      });
    }
    const skeleton = emailSkeleton(email);
    await assertEmailFree(db, email, skeleton);
    return insertUser(db, { email, emailSkeleton: skeleton, passwordHash: await hasher.hash(password), role });
  }

  return {
    async register(body: Identity.RegisterBody, origin: RequestOrigin): Promise<Identity.User> {
      const email = normaliseEmail(body.email);
      const attempt = await throttle.register(email, origin.ip);
      const user = await createAccount(email, body.password, "customer");
      await attempt.succeeded();
      log.info({ userId: user.id }, "customer registered");
      return toUser(user);
    },

    async login(body: Identity.LoginBody, origin: RequestOrigin): Promise<Identity.Tokens> {
      const email = normaliseEmail(body.email);
      const attempt = await throttle.login(email, origin.ip);
      const user = await findLoginAccount(db, { normalised: email, legacy: legacyStoredEmail(body.email) });
      const valid = user ? await hasher.verify(body.password, user.passwordHash) : await hasher.verifyAgainstNobody(body.password);
      if (!user || !valid) throw new InvalidCredentials();
      await attempt.succeeded();
      const refresh = newRefreshToken();
      const { sessionId, evicted } = await sessionStore.startSession(db, {
        userId: user.id,
        deviceId: body.deviceId,
        userAgent: origin.userAgent?.slice(0, 512),
        ip: origin.ip === "unknown" ? undefined : origin.ip,
        refreshHash: refresh.hash,
        expiresAt: refreshExpiry(),
        maxActive: MAX_ACTIVE_SESSIONS,
      });
      for (const old of evicted) await revocations.announce(old);
      log.info({ userId: user.id, sessionId, evicted: evicted.length }, "logged in");
      return tokensFor({ userId: user.id, role: user.role }, sessionId, refresh.token);
    },

    async refresh(refreshToken: string): Promise<Identity.Tokens> {
      const next = newRefreshToken();
      const outcome = await sessionStore.rotateRefreshToken(db, hashRefreshToken(refreshToken), {
        hash: next.hash,
        expiresAt: refreshExpiry(),
      });
      switch (outcome.kind) {
        case "ROTATED":
          return tokensFor(outcome, outcome.sessionId, next.token);
        case "REUSED":
          // A spent token came back: someone holds a copy. End the whole family.
          await endSession(outcome.sessionId, "TOKEN_REUSED");
          log.warn({ sessionId: outcome.sessionId }, "refresh token reused: session revoked");
          throw new TokenReused();
        case "EXPIRED":
          throw new TokenExpired("refresh");
        case "REVOKED":
          throw new TokenRevoked("the session");
        case "UNKNOWN":
          throw new Unauthenticated("The refresh token is not valid");
      }
    },

    async logout(caller: Caller): Promise<void> {
      // Every access token carries its session id: ending the session refuses this token too.
      await endSession(caller.sessionId, "LOGOUT", caller.userId);
      log.info({ userId: caller.userId, sessionId: caller.sessionId }, "logged out");
    },

    /**
     * The user a bearer token was signed for, or undefined; revocation is not checked. For keying
     * per-user rate limits before the guard runs: the signature check is cached, so the guard's
     * own verify of the same token right after costs a map lookup.
     */
    async tokenSubject(authorization: string | undefined): Promise<string | undefined> {
      const match = authorization?.match(/^Bearer\s+(\S+)$/i);
      if (!match?.[1]) return undefined;
      return accessTokens.verify(match[1]).then(
        (claims) => claims.userId,
        () => undefined,
      );
    },

    /** Resolves the caller from an Authorization header, or throws 401 with a precise code. */
    async authenticate(authorization: string | undefined): Promise<Caller> {
      const match = authorization?.match(/^Bearer\s+(\S+)$/i);
      if (!match?.[1]) throw new Unauthenticated("A bearer token is required");
      const claims = await accessTokens.verify(match[1]);
      if (await revocations.isRevoked(claims.sessionId)) throw new TokenRevoked("the access token");
      return { userId: claims.userId, role: claims.role, sessionId: claims.sessionId, tokenId: claims.tokenId, tokenExpiresAt: claims.expiresAt };
    },

    async me(caller: Caller): Promise<Identity.Me> {
      let user = profiles.get(caller.userId);
      if (!user) {
        const row = await findUserById(db, caller.userId);
        if (!row) throw new Unauthenticated("The account no longer exists");
        user = toUser(row);
        profiles.set(caller.userId, user);
      }
      return { ...user, sessionId: caller.sessionId };
    },

    async listSessions(caller: Caller): Promise<Identity.SessionList> {
      const rows = await sessionStore.listActiveSessions(db, caller.userId);
      return {
        items: rows.map((s) => ({
          ...s,
          createdAt: s.createdAt.toISOString(),
          lastUsedAt: s.lastUsedAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
          current: s.id === caller.sessionId,
        })),
      };
    },

    /** Someone else's session answers 404 like a missing one: ids are not probeable. */
    async revokeOwnSession(caller: Caller, sessionId: string): Promise<void> {
      if (!(await endSession(sessionId, "REVOKED", caller.userId))) {
        throw new SessionNotFound(sessionId);
      }
    },

    async createUser(body: Identity.CreateUserBody, actor: Caller): Promise<Identity.User> {
      const user = await createAccount(body.email, body.password, body.role);
      log.info({ userId: user.id, role: user.role, actor: actor.userId }, "user created by admin");
      return toUser(user);
    },

    /** Back-fills normalised emails and skeletons of older accounts, and logs look-alike accounts (start-up). */
    reconcileEmails: () => reconcileEmails(db, log, metrics),

    /** Accounts left unmerged because their emails look alike, by id (admins; addresses are never listed). */
    async listEmailLookalikes(): Promise<Identity.EmailLookalikeList> {
      return { items: await listEmailCollisions(db, metrics) };
    },

    /** The first admin, from ADMIN_EMAIL/ADMIN_PASSWORD: created once, never overwritten. */
    async ensureAdmin(admin: { email: string; password: string }): Promise<"created" | "exists"> {
      const email = normaliseEmail(admin.email);
      const existing = await findUserByEmail(db, email);
      if (existing) {
        if (existing.role !== "admin") log.warn({ userId: existing.id }, "ADMIN_EMAIL belongs to a non-admin account; left unchanged");
        return "exists";
      }
      try {
        const user = await createAccount(email, admin.password, "admin");
        log.info({ userId: user.id }, "first admin created");
        return "created";
      } catch (error) {
        // Another replica starting at the same moment created it first.
        if (error instanceof Conflict) {
          if (error.code !== "EMAIL_TAKEN") log.warn({ code: error.code }, "ADMIN_EMAIL looks like an existing account's email; no admin created");
          return "exists";
        }
        throw error;
      }
    },
  };
}
