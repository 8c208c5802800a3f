import { sql } from "drizzle-orm";
import { check, index, inet, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["customer", "staff", "admin"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    // Stored normalised (trimmed, lower case); the unique index is what refuses duplicates.
    email: text().notNull(),
    passwordHash: text().notNull(),
    role: userRole().notNull().default("customer"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    check("users_email_normalised", sql`${t.email} = lower(btrim(${t.email}))`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // Only a hash of the opaque refresh token is kept.
    refreshTokenHash: text().notNull(),
    // Every rotation stays in one family, so reuse of an old token can revoke them all.
    family: uuid().notNull(),
    deviceId: text(),
    userAgent: text(),
    ip: inet(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Refresh looks a token up by its hash.
    uniqueIndex("sessions_refresh_token_hash_unique").on(t.refreshTokenHash),
    // Listing and evicting a user's active sessions.
    index("sessions_user_active_idx").on(t.userId, t.createdAt),
    index("sessions_family_idx").on(t.family),
  ],
);
