/** A shop with a Trendyol store pointed at an in-process sandbox, for the sync engine's tests. */
import { afterAll } from "bun:test";
import { startSandbox, type RunningSandbox, type SandboxOptions } from "@pazarsync/marketplace-sandbox";
import type { TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { get } from "../support/identity";

const running: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

export interface SyncShop {
  sandbox: RunningSandbox;
  sellerId: string;
  storeId: string;
  warehouse: { id: string; shelfId: string };
  /** product id -> barcode */
  barcodes: Map<string, string>;
}

let sellers = 0;

export async function syncShop(t: TestApp, tokens: { staff: string; admin: string }, options: SandboxOptions & { storeBody?: Record<string, unknown> } = {}): Promise<SyncShop> {
  const sellerId = `S${Date.now() % 100000}${++sellers}`;
  const { storeBody, ...sandboxOptions } = options;
  const sandbox = await startSandbox({ resultDelayMs: 0, sellers: [{ sellerId, apiKey: "k", apiSecret: "s" }], ...sandboxOptions });
  running.push(sandbox);
  const warehouse = await createWarehouse(t, tokens.staff);
  const storeId = await createStore(t, tokens.admin, {
    type: "TRENDYOL",
    sellerId,
    baseUrl: sandbox.url,
    credentials: { apiKey: "k", apiSecret: "s" },
    warehouseIds: [warehouse.id],
    ...storeBody,
  });
  return { sandbox, sellerId, storeId, warehouse, barcodes: new Map() };
}

/** A listed simple product with stock on the shop's shelf. */
export async function listedProduct(t: TestApp, shop: SyncShop, tokens: { staff: string; admin: string }, stock: number, productId?: string): Promise<string> {
  const id = productId ?? (await createSimple(t, tokens.staff, "Listed"));
  if (stock > 0) await addStock(t, tokens.staff, shop.warehouse.shelfId, id, stock);
  await putListing(t, tokens.admin, shop.storeId, id, { enabled: true });
  const product = await bodyOf(await get(t, `/api/v1/catalog/products/${id}`, tokens.staff));
  shop.barcodes.set(id, String(product.barcode));
  return id;
}

/** What the sandbox shows now, per barcode. */
export async function shown(shop: SyncShop): Promise<Record<string, number>> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/sellers/${shop.sellerId}/quantities`);
  return (await res.json()) as Record<string, number>;
}

export function stockWrites(shop: SyncShop) {
  return shop.sandbox.state.requests().filter((r) => r.endpoint === "price-and-inventory");
}
