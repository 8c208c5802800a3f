/**
 * One Hepsiburada store on a sandbox playing every marketplace, for tests that drive its order
 * lists: the app, the sandbox, a warehouse and the store, set up once per file, with the products
 * listed there and the stock they hold reserved.
 */
import { afterAll, beforeAll } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES, type SandboxMarketplace } from "../support/marketplaces";

export const hb = MARKETPLACES.find((m) => m.type === "HEPSIBURADA") as SandboxMarketplace;

export interface HepsiburadaStore {
  t: TestApp;
  sandbox: RunningSandbox;
  tokens: { staff: string; admin: string };
  warehouse: { id: string; shelfId: string };
  storeId: string;
}

/** Registers the file's beforeAll/afterAll; the object's fields are set once beforeAll has run. */
export function hepsiburadaStoreOnSandbox(label: string): HepsiburadaStore {
  const ctx = { tokens: { staff: "", admin: "" }, storeId: "" } as HepsiburadaStore;
  beforeAll(async () => {
    ctx.t = await createTestApp({ label });
    ctx.tokens.staff = (await staff(ctx.t)).tokens.accessToken;
    ctx.tokens.admin = (await admin(ctx.t)).tokens.accessToken;
    ctx.sandbox = await everyMarketplaceSandbox();
    ctx.warehouse = await createWarehouse(ctx.t, ctx.tokens.staff);
    ctx.storeId = await createStore(ctx.t, ctx.tokens.admin, { type: hb.type, sellerId: hb.account, baseUrl: ctx.sandbox.url, credentials: hb.credentials, warehouseIds: [ctx.warehouse.id] });
  }, 60_000);
  afterAll(async () => {
    ctx.sandbox?.state.trendyolWebhooks.stop();
    await ctx.sandbox?.stop();
    await ctx.t?.close();
  });
  return ctx;
}

/** A product with `stock` units, listed on the store; its barcode is what the sandbox's orders name. */
export async function listedOn(ctx: HepsiburadaStore, name: string, stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await createSimple(ctx.t, ctx.tokens.staff, name);
  await addStock(ctx.t, ctx.tokens.staff, ctx.warehouse.shelfId, productId, stock);
  await putListing(ctx.t, ctx.tokens.admin, ctx.storeId, productId, { enabled: true });
  return { productId, barcode: String((await bodyOf(await get(ctx.t, `/api/v1/catalog/products/${productId}`, ctx.tokens.staff))).barcode) };
}

/** Units of the product reserved in the store's warehouse. */
export async function reservedIn(ctx: HepsiburadaStore, productId: string): Promise<number> {
  const body = await bodyOf(await get(ctx.t, `/api/v1/inventory/products/${productId}/stock`, ctx.tokens.staff));
  return body.warehouses.find((w: Json) => w.warehouseId === ctx.warehouse.id)?.reserved ?? 0;
}
