/** A store row as the API shows it (never its credentials). */
import type { Stores } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { type StoreRow, warehousesOf } from "./stores-repository";
import { type StoreWebhookRow, toWebhookView, webhookRowsOf } from "./store-webhooks";

/** Channels that are a seller account on someone else's marketplace (and so need its seller id). */
export function isMarketplace(type: Stores.StoreType): boolean {
  return type !== "WEB";
}

export function toStoreView(row: StoreRow, warehouseIds: string[], webhook?: StoreWebhookRow): Stores.Store {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    sellerId: row.sellerId,
    baseUrl: row.baseUrl,
    active: row.active,
    sendStock: row.sendStock,
    sendPrice: row.sendPrice,
    policy: { safetyStock: row.safetyStock, percentage: row.percentage, maxQuantity: row.maxQuantity, floor: row.floor },
    writeQuotaPerMinute: row.writeQuotaPerMinute,
    stockCodeSource: row.stockCodeSource,
    warehouseIds,
    hasCredentials: row.credentialsCiphertext !== null,
    credentialsKeyId: row.credentialsCiphertext !== null ? row.credentialsKeyId : null,
    webhook: toWebhookView(row.type, webhook),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function storeViews(db: Database, rows: readonly StoreRow[]): Promise<Stores.Store[]> {
  const ids = rows.map((row) => row.id);
  const [warehouses, webhooks] = await Promise.all([warehousesOf(db, ids), webhookRowsOf(db, ids)]);
  return rows.map((row) => toStoreView(row, warehouses.get(row.id) ?? [], webhooks.get(row.id)));
}
