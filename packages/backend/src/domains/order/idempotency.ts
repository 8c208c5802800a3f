import { createHash } from "node:crypto";
import { Orders } from "@pazarsync/shared";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import { IdempotencyBusy, IdempotencyKeyInvalid, IdempotencyKeyRequired, IdempotencyKeyReused } from "./errors";
import { idempotencyKeys as keys } from "./schema";

/** How long an answer is replayed (Stripe keeps keys 24 hours; so do we, at least). */
export const IDEMPOTENCY_RETENTION_SQL = "interval '24 hours'";
const RETENTION = sql.raw(IDEMPOTENCY_RETENTION_SQL);
/**
 * When a new answer may replace the row holding its key, for a raw `on conflict ... do update`
 * on idempotency_keys aliased `k`: the same rule as storeAnswer's.
 */
export const IDEMPOTENCY_TAKEOVER_SQL = "k.expires_at <= now()";
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1000;

const KEY_FORMAT = new RegExp(Orders.IDEMPOTENCY_KEY_PATTERN);

/** The Idempotency-Key header, checked: 400 when missing or malformed. */
export function idempotencyKeyOf(header: string | null | undefined): string {
  if (header === null || header === undefined || header === "") {
    throw new IdempotencyKeyRequired();
  }
  if (!KEY_FORMAT.test(header)) {
    throw new IdempotencyKeyInvalid();
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

/** One request's (caller, key, body hash): the row its answer is stored under. */
export interface IdempotencyRequest {
  scope: string;
  key: string;
  hash: string;
}

/** What an earlier request with this key was answered. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export function createIdempotency(deps: { db: Database; log: Logger }) {
  const { db, log } = deps;
  let lastPurge = 0;

  /** One statement: stores our answer under a new or expired key. False when another request's answer holds the key. */
  async function storeAnswer(request: IdempotencyRequest, answer: StoredAnswer): Promise<boolean> {
    const { scope, key, hash } = request;
    const rows = await db
      .insert(keys)
      .values({ scope, key, requestHash: hash, responseStatus: answer.status, responseBody: answer.body, expiresAt: sql`now() + ${RETENTION}` })
      .onConflictDoUpdate({
        target: [keys.scope, keys.key],
        set: {
          requestHash: hash,
          responseStatus: answer.status,
          responseBody: answer.body,
          createdAt: sql`now()`,
          expiresAt: sql`now() + ${RETENTION}`,
        },
        setWhere: sql`${keys.expiresAt} <= now()`,
      })
      .returning({ scope: keys.scope });
    return rows.length > 0;
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
    /** Called once per request before any work: keeps the table from growing without bound. */
    purgeSoon,

    /** A refusal (4xx) the client should see again on a retry; the order transaction was rolled back. */
    answer: storeAnswer,

    /**
     * The answer another request stored under this key, after ours lost the race for it.
     * 422 IDEMPOTENCY_KEY_REUSED for another body; 503 IDEMPOTENCY_BUSY if the row expired and
     * was purged meanwhile.
     */
    async storedAnswer(request: IdempotencyRequest): Promise<StoredAnswer> {
      const [existing] = await db
        .select()
        .from(keys)
        .where(and(eq(keys.scope, request.scope), eq(keys.key, request.key)));
      if (!existing) throw new IdempotencyBusy();
      if (existing.requestHash !== request.hash) {
        throw new IdempotencyKeyReused();
      }
      // The column is nullable for the unanswered claims versions before one-statement placement wrote; their 24 hours are long over.
      if (existing.responseStatus === null) throw new IdempotencyBusy();
      return { status: existing.responseStatus, body: existing.responseBody };
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
