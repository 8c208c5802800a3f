/** POST /api/v1/stores/:id/listings/bulk: many listings changed in one call, only the changed ones marked. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { listings } from "../../src/domains/catalog/schema";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { createStore, createWarehouse } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, sendJson, staff } from "../support/identity";
import { engineOnClock, marketShop, testClock } from "../stock-sync/behaviour-support";
import { stockWrites } from "../stock-sync/engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "listing-bulk", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const db = () => t.infra.database.db;
const bulk = (storeId: string, body: unknown, token = tokens.staff) => sendJson(t, "POST", `/api/v1/stores/${storeId}/listings/bulk`, body, token);
let tags = 0;
const newTag = () => `BK${Date.now() % 1_000_000}${++tags}`;

/** n products with stock in the warehouse (set-based SQL: 20,000 through the API would take minutes); skus `${tag}-n`. */
async function seedProducts(tag: string, n: number, warehouseId: string | null, type: "SIMPLE" | "SET" = "SIMPLE"): Promise<{ id: string; sku: string; barcode: string }[]> {
  await db().execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select ${tag} || '-' || g, ${tag} || lpad(g::text, 8, '0'), 'Bulk ' || g, ${type}::product_type, 1000, 1500, 20
    from generate_series(1, ${n}) g`);
  if (warehouseId) {
    await db().execute(sql`
      insert into inventory_levels (product_id, warehouse_id, on_hand, reserved)
      select p.id, ${warehouseId}::uuid, 1 + right(p.barcode, 3)::int % 50, 0 from products p where p.sku like ${`${tag}-%`}`);
  }
  return queryRows<{ id: string; sku: string; barcode: string }>(db(), sql`select id::text as id, sku, barcode from products where sku like ${`${tag}-%`} order by id`);
}

async function listingsOf(storeId: string) {
  return db().select().from(listings).where(eq(listings.storeId, storeId));
}

async function marked(storeId: string): Promise<Set<string>> {
  return new Set(await t.services.sync.buffer.peek(storeId, 100_000));
}

describe("20,000 products enabled on a Trendyol store in one call", () => {
  test("creates and marks exactly the 20,000 listings; an identical call changes and marks nothing; flushes send 20 batches of at most 1000 within the rate limit", async () => {
    const shop = await marketShop(t, tokens);
    const tag = newTag();
    const products = await seedProducts(tag, 20_000, shop.warehouse.id);
    expect(products).toHaveLength(20_000);

    const first = await bulk(shop.storeId, { filter: { skuPrefix: `${tag}-` }, set: { enabled: true } });
    expect(first.status).toBe(200);
    expect(await bodyOf(first)).toEqual({ matched: 20_000, changed: 20_000 });
    expect(await marked(shop.storeId)).toEqual(new Set(products.map((p) => p.id)));

    // The first flushes: the engine's clock stands in for time, so a refused token is waited for by stepping.
    const clock = testClock();
    const engine = engineOnClock(t, clock);
    for (let round = 0; round < 50 && (await engine.buffer.backlog(shop.storeId)).count > 0; round++) {
      const result = await engine.flushOne(shop.storeId);
      expect(result?.outcome === "sent" || result?.outcome === "rate_limited").toBe(true);
      if (result?.outcome === "rate_limited") clock.advance(Math.max(100, result.waitMs ?? 1000));
    }
    const writes = stockWrites(shop);
    expect(writes).toHaveLength(20);
    expect(writes.every((w) => w.status === 200 && w.itemCount <= 1000)).toBe(true);
    expect(writes.reduce((sum, w) => sum + w.itemCount, 0)).toBe(20_000);
    expect(shop.sandbox.state.requests().filter((r) => r.status === 429)).toEqual([]);

    const again = await bulk(shop.storeId, { filter: { skuPrefix: `${tag}-` }, set: { enabled: true } });
    expect(await bodyOf(again)).toEqual({ matched: 20_000, changed: 0 });
    expect((await engine.buffer.backlog(shop.storeId)).count).toBe(0);
  }, 240_000);
});

describe("filters", () => {
  test("a SKU prefix holding % and _ matches those characters, not wildcards", async () => {
    const shop = await marketShop(t, tokens);
    const tag = newTag();
    const [percent, plain, under] = [`${tag}%x`, `${tag}Ax`, `${tag}_y`];
    await db().execute(sql`
      insert into products (sku, barcode, name, type, price, list_price, vat_rate)
      values (${percent}, ${`${tag}B1`}, 'P', 'SIMPLE', 100, 100, 20), (${plain}, ${`${tag}B2`}, 'P', 'SIMPLE', 100, 100, 20),
             (${under}, ${`${tag}B3`}, 'P', 'SIMPLE', 100, 100, 20), (${`${tag}Zy`}, ${`${tag}B4`}, 'P', 'SIMPLE', 100, 100, 20)`);
    expect(await bodyOf(await bulk(shop.storeId, { filter: { skuPrefix: `${tag}%` }, set: { enabled: true } }))).toEqual({ matched: 1, changed: 1 });
    expect(await bodyOf(await bulk(shop.storeId, { filter: { skuPrefix: `${tag}_` }, set: { enabled: true } }))).toEqual({ matched: 1, changed: 1 });
    const skus = await queryRows<{ sku: string }>(db(), sql`select p.sku from listings l join products p on p.id = l.product_id where l.store_id = ${shop.storeId}::uuid order by p.sku`);
    expect(skus.map((r) => r.sku).sort()).toEqual([percent, under].sort());
  });

  test("a barcode list, a type and an import: only matching products, and the filters combine", async () => {
    const shop = await marketShop(t, tokens);
    const tag = newTag();
    const simple = await seedProducts(`${tag}S`, 4, null);
    const sets = await seedProducts(`${tag}T`, 3, null, "SET");
    const barcodes = [simple[0]?.barcode ?? "", simple[2]?.barcode ?? "", "NO-SUCH-BARCODE"];
    expect(await bodyOf(await bulk(shop.storeId, { filter: { barcodes }, set: { enabled: true } }))).toEqual({ matched: 2, changed: 2 });
    expect(await bodyOf(await bulk(shop.storeId, { filter: { type: "SET", skuPrefix: tag }, set: { enabled: true } }))).toEqual({ matched: 3, changed: 3 });
    expect((await listingsOf(shop.storeId)).map((l) => l.productId).sort()).toEqual([simple[0]?.id ?? "", simple[2]?.id ?? "", ...sets.map((s) => s.id)].sort());

    // Listings an import linked: a price override for them alone.
    const importJobId = crypto.randomUUID();
    await db().update(listings).set({ importJobId }).where(and(eq(listings.storeId, shop.storeId), eq(listings.productId, sets[1]?.id ?? "")));
    expect(await bodyOf(await bulk(shop.storeId, { filter: { importJobId }, set: { price: 4200 } }))).toEqual({ matched: 1, changed: 1 });
    const priced = (await listingsOf(shop.storeId)).filter((l) => l.price !== null);
    expect(priced.map((l) => [l.productId, l.price])).toEqual([[sets[1]?.id ?? "", 4200]]);
  });
});

describe("what a bulk operation sets", () => {
  test("disabling and overrides touch existing listings only; null clears; unchanged listings are neither written nor marked", async () => {
    const shop = await marketShop(t, tokens);
    const tag = newTag();
    const products = await seedProducts(tag, 5, null);
    const listed = products.slice(0, 3);
    await bulk(shop.storeId, { filter: { barcodes: listed.map((p) => p.barcode) }, set: { enabled: true } });
    // Drained, so what follows marks only what it changes.
    await t.services.sync.buffer.claim(shop.storeId, 100, 60_000).then((claim) => (claim ? t.services.sync.buffer.ack(claim) : undefined));

    const policy = { safetyStock: 2, percentage: 50, maxQuantity: 10, floor: 1 };
    expect(await bodyOf(await bulk(shop.storeId, { filter: { skuPrefix: `${tag}-` }, set: { enabled: false, price: 900, policy } }))).toEqual({ matched: 5, changed: 3 });
    expect(await marked(shop.storeId)).toEqual(new Set(listed.map((p) => p.id)));
    const rows = await listingsOf(shop.storeId);
    expect(rows).toHaveLength(3);
    expect(rows.every((l) => !l.enabled && l.price === 900 && l.safetyStock === 2 && l.percentage === 50 && l.maxQuantity === 10 && l.floor === 1)).toBe(true);

    await t.services.sync.buffer.claim(shop.storeId, 100, 60_000).then((claim) => (claim ? t.services.sync.buffer.ack(claim) : undefined));
    // One listing already has no price: only the other two change.
    await db().update(listings).set({ price: null }).where(and(eq(listings.storeId, shop.storeId), eq(listings.productId, listed[0]?.id ?? "")));
    expect(await bodyOf(await bulk(shop.storeId, { filter: { skuPrefix: `${tag}-` }, set: { price: null, policy: { maxQuantity: 10 } } }))).toEqual({ matched: 5, changed: 2 });
    expect(await marked(shop.storeId)).toEqual(new Set(listed.slice(1).map((p) => p.id)));
    expect((await listingsOf(shop.storeId)).every((l) => l.price === null && l.maxQuantity === 10)).toBe(true);
  });
});

describe("refusals", () => {
  test("no filter, nothing to set, bad fields and too many barcodes are 422; a web store 422; an unknown store 404; a customer 403", async () => {
    const shop = await marketShop(t, tokens);
    const code = async (res: Response) => [res.status, (await bodyOf(res)).error?.code];
    expect(await code(await bulk(shop.storeId, { filter: {}, set: { enabled: true } }))).toEqual([422, "BULK_FILTER_EMPTY"]);
    expect(await code(await bulk(shop.storeId, { filter: { type: "SIMPLE" }, set: {} }))).toEqual([422, "BULK_SET_EMPTY"]);
    expect(await code(await bulk(shop.storeId, { filter: { type: "SIMPLE" }, set: { policy: {} } }))).toEqual([422, "BULK_SET_EMPTY"]);
    expect(await code(await bulk(shop.storeId, { filter: { barcodes: [] }, set: { enabled: true } }))).toEqual([422, "VALIDATION_FAILED"]);
    const many = Array.from({ length: 10_001 }, (_, i) => `B${i}`);
    expect(await code(await bulk(shop.storeId, { filter: { barcodes: many }, set: { enabled: true } }))).toEqual([422, "VALIDATION_FAILED"]);
    expect(await code(await bulk(shop.storeId, { filter: { type: "BUNDLE" }, set: { enabled: true } }))).toEqual([422, "VALIDATION_FAILED"]);
    expect(await code(await bulk(shop.storeId, { filter: { type: "SET" }, set: { enabled: true, colour: "red" } }))).toEqual([422, "VALIDATION_FAILED"]);
    expect(await code(await bulk(shop.storeId, { filter: { type: "SET" }, set: { policy: { percentage: 0 } } }))).toEqual([422, "VALIDATION_FAILED"]);
    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [(await createWarehouse(t, tokens.staff)).id] });
    expect(await code(await bulk(web, { filter: { type: "SET" }, set: { enabled: true } }))).toEqual([422, "STORE_NOT_MARKETPLACE"]);
    expect(await code(await bulk("00000000-0000-4000-8000-000000000000", { filter: { type: "SET" }, set: { enabled: true } }))).toEqual([404, "STORE_NOT_FOUND"]);
    expect((await bulk(shop.storeId, { filter: { type: "SET" }, set: { enabled: true } }, (await customer(t)).tokens.accessToken)).status).toBe(403);
    expect(await listingsOf(shop.storeId)).toEqual([]);
  });
});
