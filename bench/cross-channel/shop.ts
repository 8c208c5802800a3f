/**
 * The cross-channel bench's shop, written before the server starts (PGlite has one owner at a
 * time): bench/orders' WEB shop plus one store per marketplace on the same warehouse, each
 * pointed at the bench's sandbox, every product listed on all five. Stores go through the store
 * service so their credentials are sealed with the key the server will get.
 */
import { sql } from "drizzle-orm";
import { loadConfig } from "../../packages/backend/src/config";
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { createInfrastructure } from "../../packages/backend/src/infra/bootstrap";
import { queryRows } from "../../packages/backend/src/infra/db";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { createServices } from "../../packages/backend/src/services";
import { seedShop } from "../orders/seed";

/** One sandbox account per marketplace, as the store's credentials name it (test/support/marketplaces.ts). */
export interface BenchMarketplace {
  type: MarketplaceName;
  account: string;
  key: string;
  secret: string;
  credentials: Record<string, string>;
}

/** Secrets the sandbox's pushes carry, and the stores check. */
export const TRENDYOL_WEBHOOK_KEY = "bench-trendyol-hook";
export const HB_PUSH = { username: "bench-hb-push", password: "bench-hb-push-secret" };

export const MARKETPLACES: readonly BenchMarketplace[] = [
  { type: "TRENDYOL", account: "ty-xc", key: "ty-key", secret: "ty-secret", credentials: { apiKey: "ty-key", apiSecret: "ty-secret", webhookApiKey: TRENDYOL_WEBHOOK_KEY } },
  { type: "HEPSIBURADA", account: "hb-xc", key: "hb-dev", secret: "hb-service", credentials: { serviceKey: "hb-service", developerUsername: "hb-dev" } },
  { type: "N11", account: "n11-xc", key: "n11-key", secret: "n11-secret", credentials: { appKey: "n11-key", appSecret: "n11-secret" } },
  { type: "PAZARAMA", account: "pz-xc", key: "pz-client", secret: "pz-secret", credentials: { clientId: "pz-client", clientSecret: "pz-secret" } },
  { type: "PTTAVM", account: "ptt-xc", key: "ptt-key", secret: "ptt-token", credentials: { apiKey: "ptt-key", accessToken: "ptt-token" } },
];

export interface CrossShop {
  webStoreId: string;
  /** marketplace -> store id */
  storeIds: Map<MarketplaceName, string>;
  productIds: string[];
  /** product id -> barcode, as the sandbox keys its quantities */
  barcodes: Map<string, string>;
}

export async function seedCrossShop(
  serverEnv: Record<string, string>,
  shape: { products: number; stock: number; sandboxUrl: string; hepsiburadaPush: boolean },
): Promise<CrossShop> {
  const config = loadConfig({ NODE_ENV: "test", ...serverEnv });
  const log = createLogger({ level: "silent", pretty: false });
  const infra = await createInfrastructure(config, log);
  try {
    await infra.database.migrate();
    const db = infra.database.db;
    const shop = await seedShop(db, { products: shape.products, stock: shape.stock });
    const services = createServices({ config, log, infra });
    const storeIds = new Map<MarketplaceName, string>();
    for (const m of MARKETPLACES) {
      // Hepsiburada's push credentials only where the receiver exists (older checkouts keep the pull alone).
      const push: Record<string, string> = m.type === "HEPSIBURADA" && shape.hepsiburadaPush ? { hbPushUsername: HB_PUSH.username, hbPushPassword: HB_PUSH.password } : {};
      const store = await services.stores.createStore({
        name: `Cross-channel ${m.type}`,
        type: m.type,
        sellerId: m.account,
        baseUrl: shape.sandboxUrl,
        credentials: { ...m.credentials, ...push },
        warehouseIds: [shop.mainWarehouseId],
        // The whole pool, nothing held back: every marketplace should show exactly stock - orders.
        policy: { safetyStock: 0, percentage: 100, maxQuantity: null, floor: 0 },
      });
      storeIds.set(m.type, store.id);
      await db.execute(sql`insert into listings (store_id, product_id, enabled) select ${store.id}::uuid, id, true from products`);
    }
    const rows = await queryRows<{ id: string; barcode: string }>(db, sql`select id, barcode from products`);
    return { webStoreId: shop.storeId, storeIds, productIds: shop.productIds, barcodes: new Map(rows.map((r) => [r.id, r.barcode])) };
  } finally {
    await infra.close();
  }
}
