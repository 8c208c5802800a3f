/**
 * A seller whose stock codes are not its barcodes: Hepsiburada and N11 are pushed under the stock
 * code (the store's default: our SKU; or the listing's own), their outcomes come back to the right
 * listings, and Trendyol orders that name a line only by its stock code match the right product.
 * The marketplaces' accounts know only the stock codes, so a push under the barcode would fail.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, sendJson, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES, orderOn, type SandboxMarketplace, shownOn } from "../support/marketplaces";

let t: TestApp;
let sandbox: RunningSandbox;
let tokens: { staff: string; admin: string };
let warehouse: { id: string; shelfId: string };
const run = Math.random().toString(36).slice(2, 8).toUpperCase();

interface Product {
  id: string;
  sku: string;
  barcode: string;
}

/** A product whose SKU looks nothing like its barcode. */
async function product(name: string, stock: number): Promise<Product> {
  const sku = `${name}-${run}`;
  const barcode = `869${run.length}${Math.floor(Math.random() * 1e9)}`;
  const body = { sku, barcode, name, type: "SIMPLE", price: 10_000, listPrice: 12_000, currency: "TRY", vatRate: 20 };
  const res = await sendJson(t, "POST", "/api/v1/catalog/products", body, tokens.staff);
  expect(res.status).toBe(201);
  const id = String((await bodyOf(res)).id);
  await addStock(t, tokens.staff, warehouse.shelfId, id, stock);
  return { id, sku, barcode };
}

const hbTemplate = MARKETPLACES.find((m) => m.type === "HEPSIBURADA") as SandboxMarketplace;
const n11Template = MARKETPLACES.find((m) => m.type === "N11") as SandboxMarketplace;
const trendyol = MARKETPLACES.find((m) => m.type === "TRENDYOL") as SandboxMarketplace;

/** A fresh account on the sandbox that knows only these codes, and a store on it. */
async function accountAndStore(template: SandboxMarketplace, known: string[], stockCodeSource: "SKU" | "BARCODE"): Promise<{ m: SandboxMarketplace; storeId: string }> {
  // N11 finds the account by its app key: a fresh account needs its own.
  const m = template.type === "N11" ? { ...template, account: `${template.account}-${run}`, key: `n11-key-${run}`, credentials: { appKey: `n11-key-${run}`, appSecret: template.secret } } : { ...template, account: `${template.account}-${run}` };
  const res = await fetch(`${sandbox.url}/__sandbox/marketplaces/${m.type.toLowerCase()}/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ account: m.account, key: m.key, secret: m.secret, known }),
  });
  expect(res.status).toBe(201);
  const storeId = await createStore(t, tokens.admin, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [warehouse.id], stockCodeSource });
  return { m, storeId };
}

async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await t.services.sync.flushAll();
    await t.services.sync.pollReceipts();
  }
}

async function listingsOf(storeId: string): Promise<Map<string, Json>> {
  const page = await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings?limit=100`, tokens.staff));
  return new Map(page.items.map((l: Json) => [l.productId, l]));
}

let a: Product;
let b: Product;
let c: Product;
let hb: { m: SandboxMarketplace; storeId: string };
let n11: { m: SandboxMarketplace; storeId: string };
const ownB = `OWN-B-${run}`;

beforeAll(async () => {
  t = await createTestApp({ label: "listing-identifiers", env: { ORDER_PULL_QUOTA: "off", SYNC_POLL_DELAY_MS: "0" } });
  tokens = { staff: (await staff(t)).tokens.accessToken, admin: (await admin(t)).tokens.accessToken };
  sandbox = await everyMarketplaceSandbox();
  warehouse = await createWarehouse(t, tokens.staff);
  a = await product("ALPHA", 7);
  b = await product("BRAVO", 4);
  // C's stock code is unknown to both marketplaces: its refusal must come back to C, not to another listing.
  c = await product("CHARLIE", 3);
  hb = await accountAndStore(hbTemplate, [a.sku, ownB], "SKU");
  // N11 also knows A's barcode: the store later goes back to barcodes as stock codes.
  n11 = await accountAndStore(n11Template, [a.sku, ownB, a.barcode], "SKU");
  for (const { storeId } of [hb, n11]) {
    for (const p of [a, c]) await putListing(t, tokens.admin, storeId, p.id, { enabled: true });
    await putListing(t, tokens.admin, storeId, b.id, { enabled: true, identifiers: { stockCode: ` ${ownB} ` } });
  }
  await settle();
}, 60_000);

afterAll(async () => {
  sandbox.state.trendyolWebhooks.stop();
  await sandbox.stop();
  await t.close();
});

describe("a store whose stock codes are not its barcodes", () => {
  for (const name of ["HEPSIBURADA", "N11"] as const) {
    test(`${name} is pushed under the stock codes (the store's SKU default, the listing's own) and its outcomes land on the right listings`, async () => {
      const { m, storeId } = name === "HEPSIBURADA" ? hb : n11;
      expect(await shownOn(sandbox, m, a.sku)).toBe(7);
      expect(await shownOn(sandbox, m, ownB)).toBe(4);
      expect(await shownOn(sandbox, m, a.barcode)).toBeUndefined();
      expect(await shownOn(sandbox, m, b.barcode)).toBeUndefined();

      const listings = await listingsOf(storeId);
      expect(listings.get(a.id)).toMatchObject({ lastPushStatus: "SUCCEEDED", lastPushedQuantity: 7, identifiers: { barcode: null, stockCode: null }, effective: { barcode: a.barcode, stockCode: a.sku } });
      // The body's stock code was trimmed.
      expect(listings.get(b.id)).toMatchObject({ lastPushStatus: "SUCCEEDED", lastPushedQuantity: 4, identifiers: { stockCode: ownB }, effective: { barcode: b.barcode, stockCode: ownB } });
      // The marketplace refused C under its SKU: the refusal is C's.
      expect(listings.get(c.id)).toMatchObject({ lastPushStatus: "DEAD", effective: { stockCode: c.sku } });
    });
  }

  test("Trendyol orders whose lines carry only a stock code match the right products", async () => {
    const storeId = await createStore(t, tokens.admin, { type: "TRENDYOL", sellerId: trendyol.account, baseUrl: sandbox.url, credentials: trendyol.credentials, warehouseIds: [warehouse.id], stockCodeSource: "SKU" });
    const d = await product("DELTA", 5);
    await putListing(t, tokens.admin, storeId, a.id, { enabled: true });
    await putListing(t, tokens.admin, storeId, d.id, { enabled: true, identifiers: { stockCode: `TY-D-${run}`, barcode: `TY-BC-D-${run}` } });
    const packageId = await orderOn(sandbox, trendyol, [
      // No barcode at all: the store's default stock code (A's SKU) names A.
      { barcode: "", stockCode: a.sku, quantity: 2, unitPrice: 10_000 },
      // A barcode nobody knows: the listing's own stock code names D.
      { barcode: `UNKNOWN-${run}`, stockCode: `TY-D-${run}`, quantity: 1, unitPrice: 10_000 },
    ]);
    const report = await t.services.orderIntake.pullStore(storeId);
    if (!report.pulled) throw new Error(report.reason);
    const page = await bodyOf(await get(t, `/api/v1/orders?storeId=${storeId}&limit=100`, tokens.staff));
    const order = page.items.find((o: Json) => o.externalOrderId !== undefined && JSON.stringify(o).includes(packageId));
    expect(order?.status).toBe("CREATED");
    expect(order?.items.map((i: Json) => [i.productId, i.quantity]).sort()).toEqual([[a.id, 2], [d.id, 1]].sort());
  });

  test("an identifier another listing of the store answers to is refused 409, naming that product", async () => {
    const taken = await sendJson(t, "PUT", `/api/v1/stores/${hb.storeId}/listings/${c.id}`, { enabled: true, identifiers: { stockCode: a.sku } }, tokens.admin);
    expect(taken.status).toBe(409);
    expect(await bodyOf(taken)).toMatchObject({ error: { code: "LISTING_IDENTIFIER_TAKEN", details: { field: "stockCode", value: a.sku, productId: a.id } } });
    const own = await sendJson(t, "PUT", `/api/v1/stores/${hb.storeId}/listings/${c.id}`, { enabled: true, identifiers: { stockCode: ownB } }, tokens.admin);
    expect(own.status).toBe(409);
    expect(await bodyOf(own)).toMatchObject({ error: { code: "LISTING_IDENTIFIER_TAKEN", details: { productId: b.id } } });
    const barcode = await sendJson(t, "PUT", `/api/v1/stores/${hb.storeId}/listings/${c.id}`, { enabled: true, identifiers: { barcode: a.barcode } }, tokens.admin);
    expect(barcode.status).toBe(409);
    expect((await listingsOf(hb.storeId)).get(c.id)).toMatchObject({ identifiers: { barcode: null, stockCode: null } });
    const blank = await sendJson(t, "PUT", `/api/v1/stores/${hb.storeId}/listings/${c.id}`, { enabled: true, identifiers: { stockCode: "  " } }, tokens.admin);
    expect(blank.status).toBe(422);
  });

  test("changing the store's default forgets what it was sent and pushes every listing again under the new codes", async () => {
    // Whatever is pending (the Trendyol order took 2 of A) goes out first: N11 shows A's 5 under its SKU.
    await settle();
    expect(await shownOn(sandbox, n11.m, a.sku)).toBe(5);
    const res = await sendJson(t, "PATCH", `/api/v1/stores/${n11.storeId}`, { stockCodeSource: "BARCODE" }, tokens.admin);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).stockCodeSource).toBe("BARCODE");
    expect((await listingsOf(n11.storeId)).get(a.id)).toMatchObject({ lastPushedQuantity: null, effective: { stockCode: a.barcode } });
    await settle();
    // Nothing about A's stock changed: only a forgotten send makes the flush send it again.
    expect(await shownOn(sandbox, n11.m, a.barcode)).toBe(5);
    const listings = await listingsOf(n11.storeId);
    expect(listings.get(a.id)).toMatchObject({ lastPushStatus: "SUCCEEDED", lastPushedQuantity: 5 });
    // The listing's own stock code still wins over the store's default.
    expect(listings.get(b.id)).toMatchObject({ effective: { stockCode: ownB } });
  });

  test("changing a listing's identifiers forgets its sends and marks it", async () => {
    const saved = await putListing(t, tokens.admin, hb.storeId, b.id, { enabled: true, identifiers: { stockCode: null } });
    expect(saved).toMatchObject({ identifiers: { stockCode: null }, effective: { stockCode: b.sku }, lastPushedQuantity: null });
    await settle();
    // B's SKU is unknown to this account: the refusal comes back to B.
    expect((await listingsOf(hb.storeId)).get(b.id)).toMatchObject({ lastPushStatus: "DEAD" });
    // What was shown under the old code stays as it was: the marketplace was not told anything under it.
    expect(await shownOn(sandbox, hb.m, ownB)).toBe(4);
  });

  test("two listings answering to one barcode: one is pushed, the other is dead-lettered with the reason", async () => {
    // The sandbox's own account knows every code.
    const storeId = await createStore(t, tokens.admin, { type: "HEPSIBURADA", sellerId: hbTemplate.account, baseUrl: sandbox.url, credentials: hbTemplate.credentials, warehouseIds: [warehouse.id] });
    const e = await product("ECHO", 2);
    const f = await product("FOXTROT", 6);
    // E takes F's barcode while F is not listed (no one answers to it yet); listing F afterwards
    // names no identifiers, so nothing stops its default from clashing.
    await putListing(t, tokens.admin, storeId, e.id, { enabled: true, identifiers: { barcode: f.barcode, stockCode: `ECHO-OWN-${run}` } });
    await putListing(t, tokens.admin, storeId, f.id, { enabled: true });
    await settle();
    const listings = await listingsOf(storeId);
    const statuses = [e.id, f.id].map((id) => listings.get(id)?.lastPushStatus);
    expect(statuses.sort()).toEqual(["DEAD", "SUCCEEDED"]);
    const status = await bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
    const letter = status.deadLetters.find((l: Json) => l.storeId === storeId && [e.id, f.id].includes(l.productId) && l.barcode === f.barcode);
    expect(JSON.stringify(letter?.reasons)).toContain("LISTING_BARCODE_CLASH");
  });
});
