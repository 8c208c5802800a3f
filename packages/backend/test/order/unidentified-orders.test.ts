/**
 * A marketplace lists an order without an id, or without a date we can read. N11, Pazarama and
 * PttAVM refused the whole page as an unreadable answer, so the store's pull stopped at that
 * order for good and every later order waited behind it; Trendyol and Hepsiburada left an order
 * without an id out without a word. Neither may stop the pull, and neither may vanish: an order
 * without an id is recorded NEEDS_ATTENTION (MISSING_ORDER_ID) under a digest of its raw payload,
 * so reading it again records nothing more; one without a date is taken in under its id.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceName } from "../../src/domains/marketplace/types";
import { createMarketplaceIntake } from "../../src/domains/order/marketplace-intake";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES } from "../support/marketplaces";

let t: TestApp;
let sandbox: RunningSandbox;
const tokens = { staff: "", admin: "" };
let warehouse: { id: string; shelfId: string };
const stores = new Map<MarketplaceName, string>();
beforeAll(async () => {
  t = await createTestApp({ label: "unidentified-orders" });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
  sandbox = await everyMarketplaceSandbox();
  warehouse = await createWarehouse(t, tokens.staff);
  for (const m of MARKETPLACES) {
    stores.set(m.type, await createStore(t, tokens.admin, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [warehouse.id] }));
  }
});
afterAll(async () => {
  sandbox?.state.trendyolWebhooks.stop();
  await sandbox?.stop();
  await t.close();
});

async function listed(stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await createSimple(t, tokens.staff, "Unidentified");
  await addStock(t, tokens.staff, warehouse.shelfId, productId, stock);
  for (const storeId of stores.values()) await putListing(t, tokens.admin, storeId, productId, { enabled: true });
  return { productId, barcode: String((await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, tokens.staff))).barcode) };
}

interface Listed {
  id?: string;
  /** Epoch ms; absent: no date at all. */
  at?: number;
  barcode: string;
  marker: string;
}

const turkeyOffsetMs = 3 * 60 * 60 * 1000;

/**
 * Each marketplace's order list path and its own shapes (as its fixtures in
 * packages/marketplace-fixtures show them) of an order and of a page; `stored` is the payload an
 * order is recorded with, when the mapper keeps more than the listed item.
 */
const SHAPES: Record<MarketplaceName, { path: (pathname: string) => boolean; order: (o: Listed) => Json; page: (orders: Json[]) => Json; stored?: (order: Json) => Json }> = {
  TRENDYOL: {
    path: (p) => p.endsWith("/orders/stream"),
    order: (o) => ({ shipmentPackageId: o.id, status: "Created", lastModifiedDate: o.at, note: o.marker, lines: [{ barcode: o.barcode, quantity: 1, lineUnitPrice: 10 }] }),
    page: (orders) => ({ content: orders, hasMore: false }),
  },
  HEPSIBURADA: {
    // The open list answers one item per order line; the cancelled list is left to the sandbox.
    path: (p) => p.includes("/orders/merchantid/") && !p.endsWith("/cancelled"),
    order: (o) => ({
      id: `line-${o.marker}`,
      orderNumber: o.id,
      orderDate: o.at === undefined ? undefined : new Date(o.at + turkeyOffsetMs).toISOString().slice(0, 19),
      status: "Open",
      note: o.marker,
      merchantSKU: o.barcode,
      quantity: 1,
      unitPrice: { amount: 10, currency: "TRY" },
    }),
    page: (orders) => ({ items: orders, totalCount: orders.length, offset: 0, limit: 100, pageCount: 1 }),
    // Lines are grouped per order number: a line naming none is an order of its own, its payload its one line.
    stored: (line) => ({ lines: [line] }),
  },
  N11: {
    path: (p) => p.endsWith("/rest/delivery/v1/shipmentPackages"),
    order: (o) => ({ id: o.id, shipmentPackageStatus: "Created", lastModifiedDate: o.at, note: o.marker, lines: [{ stockCode: o.barcode, quantity: 1, price: 10 }] }),
    page: (orders) => ({ content: orders, totalPages: 1 }),
  },
  PAZARAMA: {
    path: (p) => p.endsWith("/order/getOrdersForApiV2"),
    order: (o) => ({
      orderId: o.id,
      orderDate: o.at === undefined ? "not a date" : new Date(o.at + turkeyOffsetMs).toISOString().slice(0, 16).replace("T", " "),
      orderStatus: 3,
      note: o.marker,
      items: [{ orderItemId: `item-${o.marker}`, orderItemStatus: 3, quantity: 1, salePrice: { value: 10 }, product: { code: o.barcode } }],
    }),
    page: (orders) => ({ data: orders, success: true }),
  },
  PTTAVM: {
    path: (p) => p.endsWith("/orders/search"),
    order: (o) => ({
      siparisNo: o.id,
      islemTarihi: o.at === undefined ? "" : new Date(o.at).toISOString().slice(0, 19),
      note: o.marker,
      siparisUrunler: [{ lineItemId: 1, urunBarkod: o.barcode, siparisDurumu: "kargo_yapilmasi_bekleniyor", toplamIslemAdedi: 1, kdvDahilToplamTutar: 10 }],
    }),
    // The order search answers a bare array.
    page: (orders) => orders,
  },
};

/** A pull whose order list answers `page` (every other call reaches the sandbox). */
function pullAnswering(marketplace: MarketplaceName, page: Json) {
  const shape = SHAPES[marketplace];
  const answering: typeof fetch = Object.assign(
    (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (shape.path(url.pathname)) return Promise.resolve(new Response(JSON.stringify(page), { status: 200, headers: { "content-type": "application/json" } }));
      return fetch(input, init);
    },
    { preconnect: fetch.preconnect },
  );
  return createMarketplaceIntake({
    db: t.infra.database.db,
    locks: t.infra.locks,
    kv: t.infra.kv,
    log: createLogger({ level: "silent", pretty: false }),
    registry: new Registry(),
    stores: t.services.stores,
    orders: t.services.orders,
    settings: { intervalMs: 60_000, overlapMs: 5 * 60_000 },
    fetch: answering,
  });
}

async function storeOrders(storeId: string): Promise<Json[]> {
  const res = await get(t, `/api/v1/orders?storeId=${storeId}&limit=100`, tokens.staff);
  expect(res.status).toBe(200);
  return (await bodyOf(res)).items;
}

async function level(productId: string): Promise<{ onHand: number; reserved: number }> {
  const body = await bodyOf(await get(t, `/api/v1/inventory/products/${productId}/stock`, tokens.staff));
  const found = body.warehouses.find((w: Json) => w.warehouseId === warehouse.id);
  return { onHand: found?.onHand ?? 0, reserved: found?.reserved ?? 0 };
}

describe.each(MARKETPLACES.map((m) => [m.type] as const))("%s order pull", (marketplace) => {
  test("a page listing an order without an id and one without a readable date does not stop the pull: the first is recorded NEEDS_ATTENTION once, under a digest of its payload, the second taken in", async () => {
    const storeId = stores.get(marketplace) as string;
    const { productId, barcode } = await listed(10);
    const stamp = `${marketplace}-${Date.now()}`;
    const shape = SHAPES[marketplace];
    const unidentified = shape.order({ barcode, at: Date.now(), marker: `no-id-${stamp}` });
    const undated = shape.order({ id: `UNDATED-${stamp}`, barcode, marker: `no-date-${stamp}` });
    const readable = shape.order({ id: `READABLE-${stamp}`, at: Date.now(), barcode, marker: `readable-${stamp}` });
    const pull = pullAnswering(marketplace, shape.page([unidentified, undated, readable]));

    for (let read = 0; read < 2; read += 1) {
      const report = await pull.pullStore(storeId);
      expect(report).toMatchObject({ pulled: true, complete: true });
    }

    const orders = await storeOrders(storeId);
    const byId = (id: string) => orders.filter((order) => order.externalOrderId === id).map((order) => order.status);
    expect({ readable: byId(`READABLE-${stamp}`), undated: byId(`UNDATED-${stamp}`) }).toEqual({ readable: ["CREATED"], undated: ["CREATED"] });

    const stored = shape.stored?.(unidentified) ?? unidentified;
    const key = `payload:${createHash("sha256").update(JSON.stringify(stored)).digest("hex")}`;
    const recorded = orders.filter((order) => order.externalOrderId === key);
    expect(recorded.map((order) => order.status)).toEqual(["NEEDS_ATTENTION"]);
    const view = await bodyOf(await get(t, `/api/v1/orders/${recorded[0]?.id}`, tokens.staff));
    expect(view).toMatchObject({ attentionReasons: ["MISSING_ORDER_ID"], rawPayload: JSON.parse(JSON.stringify(stored)) });
    expect(await level(productId)).toEqual({ onHand: 10, reserved: 2 });
  });
});
