/**
 * Reads and set-up shared by tests that pull marketplace stores selling from one warehouse on
 * one sandbox: a shop with a store on every marketplace, a product listed on every store, a store's pull, its orders by external id, and a
 * product's levels in the warehouse.
 */
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES, type SandboxMarketplace } from "../support/marketplaces";

export interface MarketplaceShop {
  t: TestApp;
  tokens: { staff: string; admin: string };
  warehouse: { id: string; shelfId: string };
  storeIds: Iterable<string>;
  storeOf(m: SandboxMarketplace): string;
}

/** A shop with one store per marketplace on one sandbox, every store selling from one warehouse. */
export interface EveryMarketplaceShop extends MarketplaceShop {
  sandbox: RunningSandbox;
  close(): Promise<void>;
}

export async function everyMarketplaceShop(label: string, env: Record<string, string>): Promise<EveryMarketplaceShop> {
  const t = await createTestApp({ label, env });
  const tokens = { staff: (await staff(t)).tokens.accessToken, admin: (await admin(t)).tokens.accessToken };
  const sandbox = await everyMarketplaceSandbox();
  const warehouse = await createWarehouse(t, tokens.staff);
  const stores = new Map<SandboxMarketplace, string>();
  for (const m of MARKETPLACES) {
    stores.set(m, await createStore(t, tokens.admin, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [warehouse.id] }));
  }
  return {
    t,
    tokens,
    warehouse,
    sandbox,
    storeIds: [...stores.values()],
    storeOf: (m) => stores.get(m) as string,
    async close() {
      sandbox.state.trendyolWebhooks.stop();
      await sandbox.stop();
      await t.close();
    },
  };
}

/** A product with `stock` units, listed on every store of the shop. */
export async function listedOnEvery(shop: MarketplaceShop, name: string, stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await createSimple(shop.t, shop.tokens.staff, name);
  await addStock(shop.t, shop.tokens.staff, shop.warehouse.shelfId, productId, stock);
  for (const storeId of shop.storeIds) await putListing(shop.t, shop.tokens.admin, storeId, productId, { enabled: true });
  return { productId, barcode: String((await bodyOf(await get(shop.t, `/api/v1/catalog/products/${productId}`, shop.tokens.staff))).barcode) };
}

/** One pull of the marketplace's store; its outcomes. */
export async function pulledOutcomes(shop: MarketplaceShop, m: SandboxMarketplace) {
  const report = await shop.t.services.orderIntake.pullStore(shop.storeOf(m));
  if (!report.pulled) throw new Error(`${m.type} store not pulled: ${report.reason}`);
  return report.outcomes;
}

/** The store's orders recorded under the marketplace's id. */
export async function ordersOfStore(shop: MarketplaceShop, m: SandboxMarketplace, externalId: string): Promise<Json[]> {
  const page = await bodyOf(await get(shop.t, `/api/v1/orders?storeId=${shop.storeOf(m)}&limit=100`, shop.tokens.staff));
  return page.items.filter((order: Json) => order.externalOrderId === externalId);
}

/** The product's on-hand and reserved units in the shop's warehouse. */
export async function levelIn(shop: MarketplaceShop, productId: string): Promise<{ onHand: number; reserved: number }> {
  const body = await bodyOf(await get(shop.t, `/api/v1/inventory/products/${productId}/stock`, shop.tokens.staff));
  const found = body.warehouses.find((w: Json) => w.warehouseId === shop.warehouse.id);
  return { onHand: found?.onHand ?? 0, reserved: found?.reserved ?? 0 };
}
