import { sql } from "drizzle-orm";
import { check, index, inet, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["customer", "staff", "admin"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    // Stored normalised (emails.ts: NFKC, invisible characters removed, trimmed, lower case);
    // the unique index is what refuses duplicates. An older row the back-fill left as it was
    // keeps its old spelling, and login finds it by that spelling (users.ts findLoginAccount).
    email: text().notNull(),
    // The UTS #39 confusable skeleton of the email: a second account that merely looks the same is
    // refused by its unique index. Null for rows from before it existed until the start-up
    // back-fill, and for those that collide with another account (reported, never merged:
    // email-collisions.ts).
    emailSkeleton: text(),
    passwordHash: text().notNull(),
    role: userRole().notNull().default("customer"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_email_skeleton_unique").on(t.emailSkeleton),
    check("users_email_normalised", sql`${t.email} = lower(btrim(${t.email}))`),
  ],
);

/**
 * One row per logged-in device. The session is the refresh-token family: every rotation stays
 * in it, so presenting a used token can revoke the whole family at once.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceId: text(),
    userAgent: text(),
    ip: inet(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastUsedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    // LOGOUT | REVOKED | EVICTED | TOKEN_REUSED: why the session ended, for the user and support.
    revokedReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Listing a user's sessions and evicting the oldest active one.
    index("sessions_user_created_idx").on(t.userId, t.createdAt),
    // Every replica reads the sessions revoked since its last read, twice a second under load.
    index("sessions_revoked_at_idx").on(t.revokedAt).where(sql`${t.revokedAt} is not null`),
  ],
);

/** Refresh tokens by hash only; a used one stays, so its reuse can be recognised. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Refresh looks the presented token up by its hash.
    uniqueIndex("refresh_tokens_hash_unique").on(t.tokenHash),
    index("refresh_tokens_session_idx").on(t.sessionId),
  ],
);
