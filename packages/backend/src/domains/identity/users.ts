import { and, asc, eq, isNull, ne, or } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { isUniqueViolation } from "../../infra/pg-errors";
import { EmailConfusable, EmailTaken } from "./errors";
import type { Role } from "./model";
import { users } from "./schema";

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

const userColumns = { id: users.id, email: users.email, role: users.role, passwordHash: users.passwordHash, createdAt: users.createdAt };

/** Throws EMAIL_TAKEN or EMAIL_CONFUSABLE when the (normalised) email or its skeleton is in use. */
export async function assertEmailFree(db: Database, email: string, skeleton: string): Promise<void> {
  const found = await db
    .select({ email: users.email })
    .from(users)
    .where(or(eq(users.email, email), eq(users.emailSkeleton, skeleton)))
    .limit(2);
  if (found.some((row) => row.email === email)) throw new EmailTaken();
  if (found.length > 0) throw new EmailConfusable();
}

/** The unique indexes decide when two sign-ups race past assertEmailFree. */
export async function insertUser(
  db: Database,
  user: { email: string; emailSkeleton: string; passwordHash: string; role: Role },
): Promise<UserRecord> {
  try {
    const [row] = await db
      .insert(users)
      .values(user)
      .returning(userColumns);
    if (!row) throw new Error("user insert returned nothing");
    return row;
  } catch (error) {
    if (isUniqueViolation(error, "users_email_unique")) throw new EmailTaken();
    if (isUniqueViolation(error, "users_email_skeleton_unique")) throw new EmailConfusable();
    throw error;
  }
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.email, email));
  return row;
}

/**
 * The account a login names. One stored before normalisation and not brought up to date (no
 * skeleton: it looks like another account, or the back-fill has not reached it yet) is found by
 * the exact spelling it was stored in, and that wins: its normalised form may be another
 * account's. Each spelling names at most one account, so a password is checked against one only.
 */
export async function findLoginAccount(db: Database, typed: { normalised: string; legacy: string }): Promise<UserRecord | undefined> {
  const { normalised, legacy } = typed;
  if (legacy === normalised) return findUserByEmail(db, normalised);
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(or(eq(users.email, normalised), and(isNull(users.emailSkeleton), eq(users.email, legacy))))
    .limit(2);
  return rows.find((row) => row.email === legacy) ?? rows.find((row) => row.email === normalised);
}

export async function findUserById(db: Database, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id));
  return row;
}

/** Accounts from before skeletons were stored, oldest first. */
export async function usersWithoutSkeleton(db: Database): Promise<{ id: string; email: string }[]> {
  return db.select({ id: users.id, email: users.email }).from(users).where(isNull(users.emailSkeleton)).orderBy(asc(users.createdAt), asc(users.id));
}

/** Throws the driver's unique violation when another account has the email or the skeleton. */
export async function setEmail(db: Database, id: string, email: string, skeleton: string): Promise<void> {
  await db.update(users).set({ email, emailSkeleton: skeleton }).where(eq(users.id, id));
}

/** The oldest other account with this email or skeleton. */
export async function firstLookAlike(db: Database, id: string, email: string, skeleton: string): Promise<string | undefined> {
  const [other] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(ne(users.id, id), or(eq(users.email, email), eq(users.emailSkeleton, skeleton))))
    .orderBy(asc(users.createdAt))
    .limit(1);
  return other?.id;
}
