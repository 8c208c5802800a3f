import { createHash, randomUUID } from "node:crypto";
import { Orders } from "@pazarsync/shared";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { BadRequest, Conflict, ServiceUnavailable, ValidationFailed } from "../../infra/errors";
import type { Logger } from "../../infra/logger";
import { idempotencyKeys as keys } from "./schema";

/** How long an answer is replayed (Stripe keeps keys 24 hours; so do we, at least). */
const RETENTION = sql`interval '24 hours'`;
/** An unanswered claim this old belongs to a request that died: the order commits its answer atomically, so no order exists. */
const ABANDONED_AFTER = sql`interval '2 minutes'`;
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1000;

const KEY_FORMAT = new RegExp(Orders.IDEMPOTENCY_KEY_PATTERN);

/** The Idempotency-Key header, checked: 400 when missing or malformed. */
export function idempotencyKeyOf(header: string | null | undefined): string {
  if (header === null || header === undefined || header === "") {
    throw new BadRequest("The Idempotency-Key header is required to place an order", {}, "IDEMPOTENCY_KEY_REQUIRED");
  }
  if (!KEY_FORMAT.test(header)) {
    throw new BadRequest("The Idempotency-Key header must be 1..200 of A-Z a-z 0-9 _ - : .", {}, "IDEMPOTENCY_KEY_INVALID");
  }
  return header;
}

/** JSON with object keys sorted, so two bodies that differ only in key order hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(body: unknown): string {
  return createHash("sha256").update(canonical(body)).digest("hex");
}

/** A request's hold on (scope, key): `token` proves it is still this request's when the answer is written. */
export interface Claim {
  scope: string;
  key: string;
  token: string;
}

export type ClaimOutcome = { kind: "claimed"; claim: Claim } | { kind: "replay"; status: number; body: unknown };

const ownedBy = (claim: Claim) =>
  and(
    eq(keys.scope, claim.scope),
    eq(keys.key, claim.key),
    isNull(keys.responseStatus),
    sql`${keys.responseBody} ->> 'claim' = ${claim.token}`,
  );

export function createIdempotency(deps: { db: Database; log: Logger }) {
  const { db, log } = deps;
  let lastPurge = 0;

  /** One statement: a new key, an expired one, or an abandoned claim with the same body becomes ours. */
  async function tryClaim(scope: string, key: string, hash: string): Promise<Claim | undefined> {
    const token = randomUUID();
    const rows = await db
      .insert(keys)
      .values({ scope, key, requestHash: hash, responseBody: { claim: token }, expiresAt: sql`now() + ${RETENTION}` })
      .onConflictDoUpdate({
        target: [keys.scope, keys.key],
        set: {
          requestHash: hash,
          responseStatus: null,
          responseBody: { claim: token },
          createdAt: sql`now()`,
          expiresAt: sql`now() + ${RETENTION}`,
        },
        setWhere: sql`${keys.expiresAt} <= now() or (${keys.responseStatus} is null and ${keys.requestHash} = ${hash} and ${keys.createdAt} < now() - ${ABANDONED_AFTER})`,
      })
      .returning({ scope: keys.scope });
    return rows.length > 0 ? { scope, key, token } : undefined;
  }

  function purgeSoon(): void {
    const now = Date.now();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    const expired = db.select({ scope: keys.scope, key: keys.key }).from(keys).where(lt(keys.expiresAt, sql`now()`)).limit(PURGE_BATCH);
    db.delete(keys)
      .where(sql`(${keys.scope}, ${keys.key}) in (${expired})`)
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, "idempotency purge failed"));
  }

  return {
    /**
     * Claims (scope, key) for this request, or answers what the first request with this key got.
     * 422 IDEMPOTENCY_KEY_REUSED for another body; 409 IDEMPOTENCY_IN_PROGRESS while the first runs.
     */
    async claim(scope: string, key: string, hash: string): Promise<ClaimOutcome> {
      purgeSoon();
      // Twice: the row seen by the conflict may expire and be purged before we read it.
      for (let attempt = 0; attempt < 2; attempt++) {
        const claim = await tryClaim(scope, key, hash);
        if (claim) return { kind: "claimed", claim };
        const [existing] = await db.select().from(keys).where(and(eq(keys.scope, scope), eq(keys.key, key)));
        if (!existing) continue;
        if (existing.requestHash !== hash) {
          throw new ValidationFailed("This Idempotency-Key was used with a different request body", {}, "IDEMPOTENCY_KEY_REUSED");
        }
        if (existing.responseStatus === null) {
          throw new Conflict("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still being answered; retry shortly");
        }
        return { kind: "replay", status: existing.responseStatus, body: existing.responseBody };
      }
      throw new ServiceUnavailable("IDEMPOTENCY_BUSY", "The Idempotency-Key changed hands while being read; retry");
    },

    /** Writes the answer in the caller's transaction, so an order and its answer commit together. */
    async recordIn(tx: Database, claim: Claim, status: number, body: unknown): Promise<void> {
      const rows = await tx
        .update(keys)
        .set({ responseStatus: status, responseBody: body })
        .where(ownedBy(claim))
        .returning({ scope: keys.scope });
      // Only after a stall long enough for another request to take the key over; throwing rolls our order back.
      if (rows.length === 0) throw new ServiceUnavailable("IDEMPOTENCY_CLAIM_LOST", "This request took too long and was superseded; retry");
    },

    /** An answer the client should see again on a retry (a 4xx: the order was refused). */
    async record(claim: Claim, status: number, body: unknown): Promise<void> {
      await db.update(keys).set({ responseStatus: status, responseBody: body }).where(ownedBy(claim));
    },

    /** A 5xx (or a crash of ours) is not an answer: drop the claim so the client may retry with the same key. */
    async forget(claim: Claim): Promise<void> {
      await db.delete(keys).where(ownedBy(claim));
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
