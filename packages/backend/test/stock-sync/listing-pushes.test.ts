import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { PushOutcome } from "../../src/domains/catalog/service";
import { createTestApp, type TestApp } from "../support/app";
import { marketplaceStore, simpleProducts } from "./persistence-support";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "sync-listing-pushes" });
});
afterAll(() => t.close());

const T1 = new Date("2026-11-23T10:00:00.000Z");
const T2 = new Date("2026-11-23T10:05:00.000Z");

/** A marketplace store with listings of n products. */
async function listed(n: number) {
  const storeId = await marketplaceStore(t);
  const products = await simpleProducts(t, n);
  for (const p of products) await t.services.stores.putListing(storeId, p.id, { enabled: true });
  return { storeId, ids: products.map((p) => p.id) };
}

async function listingOf(storeId: string, productId: string) {
  const page = await t.services.stores.listingPage(storeId, { page: 1, limit: 100, offset: 0 });
  const listing = page.items.find((l) => l.productId === productId);
  if (!listing) throw new Error("no such listing");
  return listing;
}

const outcome = (storeId: string, productId: string, fields: Partial<PushOutcome>): PushOutcome => ({
  storeId,
  productId,
  quantity: null,
  price: null,
  status: "SUCCEEDED",
  at: T1,
  ...fields,
});

describe("recording push outcomes", () => {
  test("a success sets the pushed quantity, price, time and status", async () => {
    const { storeId, ids } = await listed(1);
    const [id] = ids as [string];
    expect(await t.services.stores.recordPushOutcomes([outcome(storeId, id, { quantity: 12, price: 9_990 })])).toBe(1);
    expect(await listingOf(storeId, id)).toMatchObject({
      lastPushedQuantity: 12,
      lastPushedPrice: 9_990,
      lastPushedAt: T1.toISOString(),
      lastPushStatus: "SUCCEEDED",
    });
  });

  test("a stock-only success keeps the last pushed price", async () => {
    const { storeId, ids } = await listed(1);
    const [id] = ids as [string];
    await t.services.stores.recordPushOutcomes([outcome(storeId, id, { quantity: 5, price: 7_500 })]);
    await t.services.stores.recordPushOutcomes([outcome(storeId, id, { quantity: 0, at: T2 })]);
    expect(await listingOf(storeId, id)).toMatchObject({ lastPushedQuantity: 0, lastPushedPrice: 7_500, lastPushedAt: T2.toISOString() });
  });

  test("a failure changes only the status", async () => {
    const { storeId, ids } = await listed(2);
    const [a, b] = ids as [string, string];
    await t.services.stores.recordPushOutcomes([outcome(storeId, a, { quantity: 3 })]);
    const changed = await t.services.stores.recordPushOutcomes([
      outcome(storeId, a, { quantity: 99, status: "FAILED", at: T2 }),
      outcome(storeId, b, { quantity: 99, status: "DEAD", at: T2 }),
    ]);
    expect(changed).toBe(2);
    expect(await listingOf(storeId, a)).toMatchObject({ lastPushedQuantity: 3, lastPushedAt: T1.toISOString(), lastPushStatus: "FAILED" });
    expect(await listingOf(storeId, b)).toMatchObject({ lastPushedQuantity: null, lastPushedAt: null, lastPushStatus: "DEAD" });
  });

  test("an outcome older than the last success changes nothing", async () => {
    const { storeId, ids } = await listed(1);
    const [id] = ids as [string];
    await t.services.stores.recordPushOutcomes([outcome(storeId, id, { quantity: 8, at: T2 })]);
    expect(await t.services.stores.recordPushOutcomes([outcome(storeId, id, { quantity: 4, at: T1 })])).toBe(0);
    expect(await t.services.stores.recordPushOutcomes([outcome(storeId, id, { status: "FAILED", at: T1 })])).toBe(0);
    expect(await listingOf(storeId, id)).toMatchObject({ lastPushedQuantity: 8, lastPushedAt: T2.toISOString(), lastPushStatus: "SUCCEEDED" });
  });

  test("the same listing twice in one call keeps the later outcome", async () => {
    const { storeId, ids } = await listed(1);
    const [id] = ids as [string];
    await t.services.stores.recordPushOutcomes([outcome(storeId, id, { quantity: 2, at: T2 }), outcome(storeId, id, { quantity: 1, at: T1 })]);
    expect((await listingOf(storeId, id)).lastPushedQuantity).toBe(2);
  });

  test("products without a listing on the store are left alone", async () => {
    const { storeId } = await listed(0);
    const [unlisted] = (await simpleProducts(t, 1)).map((p) => p.id) as [string];
    expect(await t.services.stores.recordPushOutcomes([outcome(storeId, unlisted, { quantity: 1 })])).toBe(0);
    expect((await t.services.stores.lastPushed(storeId, [unlisted])).size).toBe(0);
  });
});

describe("reading what was last pushed", () => {
  test("answers quantity and price per listed product in one map", async () => {
    const { storeId, ids } = await listed(3);
    const [a, b, c] = ids as [string, string, string];
    await t.services.stores.recordPushOutcomes([outcome(storeId, a, { quantity: 6, price: 1_000 }), outcome(storeId, b, { quantity: 0 })]);
    const pushed = await t.services.stores.lastPushed(storeId, [a, b, c, "not-a-uuid"]);
    expect(pushed.get(a)).toEqual({ quantity: 6, price: 1_000 });
    expect(pushed.get(b)).toEqual({ quantity: 0, price: null });
    expect(pushed.get(c)).toEqual({ quantity: null, price: null });
    expect(pushed.size).toBe(3);
  });

  test("another store's pushes are not this store's", async () => {
    const first = await listed(1);
    const other = await marketplaceStore(t);
    const [id] = first.ids as [string];
    await t.services.stores.putListing(other, id, { enabled: true });
    await t.services.stores.recordPushOutcomes([outcome(first.storeId, id, { quantity: 11 })]);
    expect((await t.services.stores.lastPushed(other, [id])).get(id)).toEqual({ quantity: null, price: null });
  });
});
