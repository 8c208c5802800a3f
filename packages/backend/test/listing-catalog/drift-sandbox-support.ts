/**
 * The drift check end to end against the in-process sandbox, with each marketplace's real adapter
 * reading its listing catalog: a shop per marketplace (its own warehouse, store and products whose
 * stock codes are not their barcodes), the engine that flushes and polls receipts on a clock shared
 * with the sandbox, and what the sandbox shows, read back under the key that marketplace uses.
 */
import { expect } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { StockSync } from "../../src/domains/stock-sync/service";
import type { TestApp } from "../support/app";
import { addStock, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { type SandboxMarketplace, shownOn } from "../support/marketplaces";
import { seedCatalog } from "../marketplace/catalog-support";
import type { TestClock } from "../stock-sync/behaviour-support";

export type Tokens = { staff: string; admin: string };

export interface Listed {
  id: string;
  sku: string;
  barcode: string;
  /** What this marketplace keys the listing on: the stock code (our SKU) on Hepsiburada and N11, else the barcode. */
  key: string;
}

export interface DriftShop {
  m: SandboxMarketplace;
  storeId: string;
  shelfId: string;
  /** Pushed and steady: checked, never drifted. */
  steady: Listed;
  /** Changed behind our back after its confirmed push: the drift. */
  drifted: Listed;
  /** A stock change marked, not flushed, when the check runs. */
  marked: Listed;
  /** A stock change sent, its receipt not yet polled, when the check runs. */
  pending: Listed;
}

/** Remote listings of the account that are none of ours. */
export const FOREIGN = 5;
/** The price every listing of ours shows on the marketplace (minor units), never pushed by us. */
export const SHOWN_PRICE = { salePrice: 15_990, listPrice: 19_990 };

const keyedOnStockCode = (m: SandboxMarketplace) => m.type === "HEPSIBURADA" || m.type === "N11";

export async function driftShop(t: TestApp, tokens: Tokens, sandbox: RunningSandbox, m: SandboxMarketplace, run: string): Promise<DriftShop> {
  const warehouse = await createWarehouse(t, tokens.staff);
  const product = async (role: string): Promise<Listed> => {
    const sku = `${m.type.slice(0, 3)}-${role}-${run}`;
    const barcode = `868${Math.floor(1e9 + Math.random() * 9e9)}`;
    const body = { sku, barcode, name: `${m.type} ${role}`, type: "SIMPLE", price: 10_000, listPrice: 12_000, currency: "TRY", vatRate: 20 };
    const res = await sendJson(t, "POST", "/api/v1/catalog/products", body, tokens.staff);
    expect(res.status).toBe(201);
    return { id: String((await bodyOf(res)).id), sku, barcode, key: keyedOnStockCode(m) ? sku : barcode };
  };
  const [steady, drifted, marked, pending] = [await product("S"), await product("D"), await product("M"), await product("P")];
  const storeId = await createStore(t, tokens.admin, {
    type: m.type,
    sellerId: m.account,
    baseUrl: sandbox.url,
    credentials: m.credentials,
    warehouseIds: [warehouse.id],
    // Keys that are real: Hepsiburada and N11 are pushed and read under the stock code, not the barcode.
    ...(keyedOnStockCode(m) && { stockCodeSource: "SKU" }),
  });
  // The marketplace's catalog: our four listings (its own ids, a price we never sent) and some of nobody's.
  const ours = [steady, drifted, marked, pending].map((l, i) => ({ barcode: l.barcode, stockCode: l.sku, marketplaceId: `${m.type}-${run}-${i}`, quantity: 0, ...SHOWN_PRICE }));
  const count = await seedCatalog(sandbox.url, m.type, m.account, { listings: ours, generate: { count: FOREIGN, barcodePrefix: `F${run}${m.type.slice(0, 2)}`, stockCodePrefix: `FS-${run}-`, quantity: 4 } });
  expect(count).toBe(ours.length + FOREIGN);
  await addStock(t, tokens.staff, warehouse.shelfId, steady.id, 11);
  await addStock(t, tokens.staff, warehouse.shelfId, drifted.id, 20);
  await addStock(t, tokens.staff, warehouse.shelfId, marked.id, 9);
  await addStock(t, tokens.staff, warehouse.shelfId, pending.id, 10);
  return { m, storeId, shelfId: warehouse.shelfId, steady, drifted, marked, pending };
}

export async function list(t: TestApp, tokens: Tokens, shop: DriftShop, ...listed: Listed[]): Promise<void> {
  for (const l of listed) await putListing(t, tokens.admin, shop.storeId, l.id, { enabled: true });
}

/**
 * One flush of the store on the shared clock, after enough marketplace time for its write quota
 * (Pazarama takes one write per 10 s): it must send.
 */
export async function flushed(engine: StockSync, clock: TestClock, storeId: string): Promise<void> {
  clock.advance(11_000);
  const result = await engine.flushOne(storeId);
  expect(result).toMatchObject({ outcome: "sent" });
}

export async function lastPushed(t: TestApp, tokens: Tokens, storeId: string): Promise<Map<string, number | null>> {
  const page = await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings?limit=100`, tokens.staff));
  return new Map(page.items.map((l: Json) => [String(l.productId), l.lastPushedQuantity ?? null]));
}

export const shownQuantity = (sandbox: RunningSandbox, shop: DriftShop, l: Listed) => shownOn(sandbox, shop.m, l.key);

/** The prices the marketplace shows for a listing, in its own units. */
export async function shownPrices(sandbox: RunningSandbox, shop: DriftShop, l: Listed): Promise<unknown> {
  const path = shop.m.type === "TRENDYOL" ? `/__sandbox/sellers/${shop.m.account}/prices` : `/__sandbox/marketplaces/${shop.m.type.toLowerCase()}/${shop.m.account}/shown`;
  const body = (await (await fetch(`${sandbox.url}${path}`)).json()) as Record<string, unknown>;
  const prices = (shop.m.type === "TRENDYOL" ? body : body.prices) as Record<string, unknown>;
  return prices[l.key];
}

/** listing_drift_total for the marketplace, as /metrics shows it. */
export async function driftTotal(t: TestApp, marketplace: string): Promise<number> {
  const text = await (await t.request("/metrics")).text();
  // Other labels (the registry's default service label) may sit beside the marketplace.
  const line = text.split("\n").find((l) => l.startsWith("listing_drift_total{") && l.includes(`marketplace="${marketplace}"`));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}
