/**
 * The latency part's shop, written before the server starts (PGlite has one owner at a time):
 * bench/orders' WEB shop (products with stock in its main warehouse), plus a Trendyol store on
 * the same warehouse pointed at the bench's sandbox, listing every product. The store goes
 * through the store service so its credentials are sealed with the key the server will get.
 */
import { sql } from "drizzle-orm";
import { loadConfig } from "../../packages/backend/src/config";
import { createInfrastructure } from "../../packages/backend/src/infra/bootstrap";
import { queryRows } from "../../packages/backend/src/infra/db";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { createServices } from "../../packages/backend/src/services";
import { seedShop } from "../orders/seed";

export interface LatencyShop {
  webStoreId: string;
  trendyolStoreId: string;
  productIds: string[];
  /** product id -> barcode, as the sandbox keys its quantities */
  barcodes: Map<string, string>;
}

export async function seedLatencyShop(
  serverEnv: Record<string, string>,
  shape: { products: number; stock: number; sellerId: string; sandboxUrl: string },
): Promise<LatencyShop> {
  const config = loadConfig({ NODE_ENV: "test", ...serverEnv });
  const log = createLogger({ level: "silent", pretty: false });
  const infra = await createInfrastructure(config, log);
  try {
    await infra.database.migrate();
    const db = infra.database.db;
    const shop = await seedShop(db, { products: shape.products, stock: shape.stock });
    const services = createServices({ config, log, infra });
    const store = await services.stores.createStore({
      name: "Sync bench Trendyol",
      type: "TRENDYOL",
      sellerId: shape.sellerId,
      baseUrl: shape.sandboxUrl,
      credentials: { apiKey: "k", apiSecret: "s" },
      warehouseIds: [shop.mainWarehouseId],
      // The whole pool, nothing held back: the marketplace should show exactly stock - orders.
      policy: { safetyStock: 0, percentage: 100, maxQuantity: null, floor: 0 },
    });
    await db.execute(sql`insert into listings (store_id, product_id, enabled) select ${store.id}::uuid, id, true from products`);
    const rows = await queryRows<{ id: string; barcode: string }>(db, sql`select id, barcode from products`);
    return { webStoreId: shop.storeId, trendyolStoreId: store.id, productIds: shop.productIds, barcodes: new Map(rows.map((r) => [r.id, r.barcode])) };
  } finally {
    await infra.close();
  }
}
