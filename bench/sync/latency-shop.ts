/**
 * A sync bench's shop, written before the server starts (PGlite has one owner at a time):
 * bench/orders' WEB shop (products with stock in its main warehouse), plus marketplace stores on
 * the same warehouse pointed at the bench's sandbox, each listing every product. Stores go
 * through the store service so their credentials are sealed with the key the server will get.
 */
import { sql } from "drizzle-orm";
import { loadConfig } from "../../packages/backend/src/config";
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { createInfrastructure } from "../../packages/backend/src/infra/bootstrap";
import { queryRows } from "../../packages/backend/src/infra/db";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { createServices } from "../../packages/backend/src/services";
import { seedShop } from "../orders/seed";

export interface BenchStore {
  type: MarketplaceName;
  sellerId: string;
  credentials: Record<string, string>;
}

export interface MarketplaceBenchShop {
  webStoreId: string;
  /** marketplace -> store id */
  storeIds: Map<MarketplaceName, string>;
  productIds: string[];
  /** product id -> barcode, as the sandbox keys its quantities */
  barcodes: Map<string, string>;
}

/** The WEB shop plus one store per entry of `stores`, every product listed on each. */
export async function seedMarketplaceShop(
  serverEnv: Record<string, string>,
  shape: { products: number; stock: number; sandboxUrl: string },
  stores: readonly BenchStore[],
): Promise<MarketplaceBenchShop> {
  const config = loadConfig({ NODE_ENV: "test", ...serverEnv });
  const log = createLogger({ level: "silent", pretty: false });
  const infra = await createInfrastructure(config, log);
  try {
    await infra.database.migrate();
    const db = infra.database.db;
    const shop = await seedShop(db, { products: shape.products, stock: shape.stock });
    const services = createServices({ config, log, infra });
    const storeIds = new Map<MarketplaceName, string>();
    for (const wanted of stores) {
      const store = await services.stores.createStore({
        name: `Bench ${wanted.type}`,
        type: wanted.type,
        sellerId: wanted.sellerId,
        baseUrl: shape.sandboxUrl,
        credentials: wanted.credentials,
        warehouseIds: [shop.mainWarehouseId],
        // The whole pool, nothing held back: the marketplace should show exactly stock - orders.
        policy: { safetyStock: 0, percentage: 100, maxQuantity: null, floor: 0 },
      });
      storeIds.set(wanted.type, store.id);
      await db.execute(sql`insert into listings (store_id, product_id, enabled) select ${store.id}::uuid, id, true from products`);
    }
    const rows = await queryRows<{ id: string; barcode: string }>(db, sql`select id, barcode from products`);
    return { webStoreId: shop.storeId, storeIds, productIds: shop.productIds, barcodes: new Map(rows.map((r) => [r.id, r.barcode])) };
  } finally {
    await infra.close();
  }
}

export interface LatencyShop {
  webStoreId: string;
  trendyolStoreId: string;
  productIds: string[];
  /** product id -> barcode, as the sandbox keys its quantities */
  barcodes: Map<string, string>;
}

/** The latency part's shop: one Trendyol store. */
export async function seedLatencyShop(
  serverEnv: Record<string, string>,
  shape: { products: number; stock: number; sellerId: string; sandboxUrl: string },
): Promise<LatencyShop> {
  const shop = await seedMarketplaceShop(serverEnv, shape, [{ type: "TRENDYOL", sellerId: shape.sellerId, credentials: { apiKey: "k", apiSecret: "s" } }]);
  return { webStoreId: shop.webStoreId, trendyolStoreId: shop.storeIds.get("TRENDYOL") ?? "", productIds: shop.productIds, barcodes: shop.barcodes };
}
