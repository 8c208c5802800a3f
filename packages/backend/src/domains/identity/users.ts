import { eq } from "drizzle-orm";
import { isUniqueViolation, type Database } from "../../infra/db";
import { Conflict } from "../../infra/errors";
import type { Role } from "./model";
import { users } from "./schema";

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

/** Trimmed and lower-cased: the one form emails are stored and compared in. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function insertUser(db: Database, user: { email: string; passwordHash: string; role: Role }): Promise<UserRecord> {
  try {
    const [row] = await db.insert(users).values(user).returning();
    if (!row) throw new Error("user insert returned nothing");
    return row;
  } catch (error) {
    if (isUniqueViolation(error, "users_email_unique")) {
      throw new Conflict("EMAIL_TAKEN", "An account with this email already exists");
    }
    throw error;
  }
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRecord | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

export async function findUserById(db: Database, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}
