/**
 * A store's order webhook registration as staff see it on the store (store_webhooks). The
 * registration itself runs in the order domain, which owns the receiving route; it records each
 * attempt here through the store service.
 */
import { inArray, sql } from "drizzle-orm";
import type { Stores } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { storeWebhooks } from "./schema";

export type StoreWebhookRow = typeof storeWebhooks.$inferSelect;

/** One attempt's result; what is left out (webhookId) keeps its recorded value. */
export interface WebhookAttempt {
  state: Stores.WebhookRegistration["state"];
  webhookId?: string | null;
  callbackUrl: string | null;
  fingerprint: string | null;
  reason: string | null;
  httpStatus: number | null;
  at: Date;
}

/** Store types whose marketplace registers order webhooks through an API. */
export const WEBHOOK_STORE_TYPES: ReadonlySet<Stores.StoreType> = new Set(["TRENDYOL"]);

export async function webhookRowsOf(db: Database, storeIds: readonly string[]): Promise<Map<string, StoreWebhookRow>> {
  if (storeIds.length === 0) return new Map();
  const rows = await db.select().from(storeWebhooks).where(inArray(storeWebhooks.storeId, [...storeIds]));
  return new Map(rows.map((row) => [row.storeId, row]));
}

export async function recordWebhookAttempt(db: Database, storeId: string, attempt: WebhookAttempt): Promise<void> {
  const registeredAt = attempt.state === "REGISTERED" ? attempt.at : null;
  const values = {
    state: attempt.state,
    callbackUrl: attempt.callbackUrl,
    fingerprint: attempt.fingerprint,
    reason: attempt.reason,
    httpStatus: attempt.httpStatus,
    lastAttemptAt: attempt.at,
  };
  await db
    .insert(storeWebhooks)
    .values({ storeId, ...values, webhookId: attempt.webhookId ?? null, registeredAt })
    .onConflictDoUpdate({
      target: storeWebhooks.storeId,
      set: {
        ...values,
        ...(attempt.webhookId !== undefined && { webhookId: attempt.webhookId }),
        // The last success stays visible through later failures.
        ...(registeredAt !== null && { registeredAt }),
        updatedAt: sql`now()`,
      },
    });
}

/** Null for channels without webhooks; a Trendyol store never tried yet shows OFF without a reason. */
export function toWebhookView(type: Stores.StoreType, row: StoreWebhookRow | undefined): Stores.WebhookRegistration | null {
  if (!WEBHOOK_STORE_TYPES.has(type)) return null;
  if (!row) return { state: "OFF", webhookId: null, callbackUrl: null, lastAttemptAt: null, registeredAt: null, reason: null, httpStatus: null };
  return {
    state: row.state,
    webhookId: row.webhookId,
    callbackUrl: row.callbackUrl,
    lastAttemptAt: row.lastAttemptAt.toISOString(),
    registeredAt: row.registeredAt?.toISOString() ?? null,
    reason: row.reason,
    httpStatus: row.httpStatus,
  };
}
