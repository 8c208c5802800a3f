import type { Database } from "../../infra/db";
import { isUniqueViolation } from "../../infra/pg-errors";
import type { Logger } from "../../infra/logger";
import { emailSkeleton, normaliseEmail } from "./emails";
import type { IdentityMetrics } from "./metrics";
import { firstLookAlike, setEmail, usersWithoutSkeleton } from "./users";

export interface EmailCollision {
  /** The account left as it was (its email not re-normalised, no skeleton). */
  userId: string;
  /** The older account it looks like. */
  collidesWith: string;
}

/**
 * Brings accounts from before emails were NFKC-normalised and skeletons stored up to date: each
 * row without a skeleton gets its normalised email and skeleton, one row at a time so the unique
 * indexes judge each. A row that would then equal or look like another account is left exactly
 * as it is and reported (ids only, no addresses): merging accounts is an operator's decision. Its
 * owner still logs in with the spelling it was stored in (users.ts findLoginAccount).
 * Runs at every start; once the back-fill is done it reads only the colliding rows again (the
 * first run reads every older account's id and email into memory once: ~100 bytes a user).
 */
export async function reconcileEmails(
  db: Database,
  log: Logger,
  metrics: IdentityMetrics,
): Promise<{ updated: number; collisions: EmailCollision[] }> {
  const collisions: EmailCollision[] = [];
  let updated = 0;
  // Oldest first: of two look-alike accounts, the one that existed first keeps its skeleton.
  const rows = await usersWithoutSkeleton(db);
  for (const row of rows) {
    const email = normaliseEmail(row.email);
    const skeleton = emailSkeleton(email);
    try {
      await setEmail(db, row.id, email, skeleton);
      updated += 1;
    } catch (error) {
      if (!isUniqueViolation(error, "users_email_unique") && !isUniqueViolation(error, "users_email_skeleton_unique")) throw error;
      collisions.push({ userId: row.id, collidesWith: (await firstLookAlike(db, row.id, email, skeleton)) ?? "unknown" });
    }
  }
  metrics.emailLookalikes.set(collisions.length);
  if (collisions.length > 0) {
    log.warn({ count: collisions.length, collisions }, "accounts whose emails look alike: left as they are for an operator");
  }
  if (updated > 0) log.info({ updated }, "account emails normalised and their skeletons stored");
  return { updated, collisions };
}

/**
 * The accounts the reconcile run left as they are, read again without changing anything (for an
 * admin): each row still without a skeleton that equals or looks like another account. A row
 * without one that looks like no account only waits for the next start's back-fill: not listed.
 * One look-up per such row; they are the few the gauge counts.
 */
export async function listEmailCollisions(db: Database, metrics: IdentityMetrics): Promise<EmailCollision[]> {
  const collisions: EmailCollision[] = [];
  for (const row of await usersWithoutSkeleton(db)) {
    const email = normaliseEmail(row.email);
    const collidesWith = await firstLookAlike(db, row.id, email, emailSkeleton(email));
    if (collidesWith) collisions.push({ userId: row.id, collidesWith });
  }
  metrics.emailLookalikes.set(collisions.length);
  return collisions;
}
