/**
 * Order intake from every marketplace: the Hepsiburada, N11, Pazarama and PttAVM pulls (and
 * Trendyol's) through one sandbox, stores of all five selling from one warehouse.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { marketplaceApiLogs } from "../../src/domains/stock-sync/schema";
import type { TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { type EveryMarketplaceShop, everyMarketplaceShop, levelIn, listedOnEvery, type MarketplaceShop, ordersOfStore, pulledOutcomes } from "./marketplace-stores-support";
import { cancelOn, MARKETPLACES, orderOn, type SandboxMarketplace, shownOn } from "../support/marketplaces";

let everyShop: EveryMarketplaceShop;
let t: TestApp;
let sandbox: RunningSandbox;
let tokens: EveryMarketplaceShop["tokens"];
beforeAll(async () => {
  everyShop = await everyMarketplaceShop("intake-everywhere", { SYNC_POLL_DELAY_MS: "0" });
  ({ t, sandbox, tokens } = everyShop);
});
afterAll(() => everyShop?.close());

const storeOf = (m: SandboxMarketplace) => everyShop.storeOf(m);
const PULLED = MARKETPLACES.filter((m) => m.type !== "TRENDYOL");

const shop = (): MarketplaceShop => everyShop;
const listed = (stock: number) => listedOnEvery(shop(), "Everywhere", stock);
const outcomes = (m: SandboxMarketplace) => pulledOutcomes(shop(), m);
const ordersOf = (m: SandboxMarketplace, externalId: string) => ordersOfStore(shop(), m, externalId);
const level = (productId: string) => levelIn(shop(), productId);

/** Flushes until every marketplace shows `quantity` (Pazarama takes one write per 10 s per seller). */
async function everywhereShows(barcode: string, quantity: number): Promise<Record<string, number | undefined>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await t.services.sync.flushAll();
    await t.services.sync.pollReceipts();
    const shown = Object.fromEntries(await Promise.all(MARKETPLACES.map(async (m) => [m.type, await shownOn(sandbox, m, barcode)] as const)));
    if (Object.values(shown).every((q) => q === quantity) || Date.now() > deadline) return shown;
    await Bun.sleep(250);
  }
}

const everywhere = (quantity: number) => Object.fromEntries(MARKETPLACES.map((m) => [m.type, quantity]));

describe.each(PULLED.map((m) => [m.type, m] as const))("%s order intake", (_type, m) => {
  test("the same order pulled twice is recorded once, reserving its stock", async () => {
    const { productId, barcode } = await listed(6);
    const orderId = await orderOn(sandbox, m, [{ barcode, quantity: 2, unitPrice: 4_500 }]);
    expect((await outcomes(m)).created).toBe(1);
    const again = await outcomes(m);
    expect(again.created ?? 0).toBe(0);
    expect(again.duplicate).toBeGreaterThanOrEqual(1);

    const recorded = await ordersOf(m, orderId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ status: "CREATED" });
    // Pazarama's V2 call lists each unit as an item with its own id (each a line): added up per product.
    expect(recorded[0].items.map((item: Json) => item.productId)).toEqual(recorded[0].items.map(() => productId));
    expect(recorded[0].items.reduce((sum: number, item: Json) => sum + item.quantity, 0)).toBe(2);
    expect(await level(productId)).toEqual({ onHand: 6, reserved: 2 });
  });

  test("an order for a barcode we do not sell is recorded NEEDS_ATTENTION with its raw payload, not skipped", async () => {
    const barcode = `869-unsold-${m.type}-${Date.now()}`;
    const orderId = await orderOn(sandbox, m, [{ barcode, quantity: 1, unitPrice: 2_500 }]);
    expect((await outcomes(m)).needs_attention).toBe(1);
    expect((await outcomes(m)).needs_attention ?? 0).toBe(0);

    const recorded = await ordersOf(m, orderId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ status: "NEEDS_ATTENTION", attentionReasons: ["UNKNOWN_BARCODE"], items: [], attentionLines: [{ barcode, quantity: 1 }] });
    const staffView = await bodyOf(await get(t, `/api/v1/orders/${recorded[0]?.id}`, tokens.staff));
    expect(JSON.stringify(staffView.rawPayload)).toContain(barcode);
  });

  test("an order for stock sold elsewhere becomes OVERSOLD and reserves nothing", async () => {
    const { productId, barcode } = await listed(1);
    const trendyol = MARKETPLACES[0] as SandboxMarketplace;
    await orderOn(sandbox, trendyol, [{ barcode, quantity: 1, unitPrice: 1_000 }]);
    expect((await outcomes(trendyol)).created).toBe(1);
    const late = await orderOn(sandbox, m, [{ barcode, quantity: 1, unitPrice: 1_000 }]);
    expect((await outcomes(m)).oversold).toBe(1);

    const [oversold] = await ordersOf(m, late);
    expect(oversold?.status).toBe("OVERSOLD");
    expect(oversold?.shortages).toEqual([expect.objectContaining({ productId, requested: 1, available: 0 })]);
    expect(await level(productId)).toEqual({ onHand: 1, reserved: 1 });
  });
});

describe("a marketplace cancellation", () => {
  test("releases the stock, and the release reaches every other marketplace", async () => {
    const { productId, barcode } = await listed(5);
    const n11 = MARKETPLACES.find((m) => m.type === "N11") as SandboxMarketplace;
    const orderId = await orderOn(sandbox, n11, [{ barcode, quantity: 2, unitPrice: 2_000 }]);
    expect((await outcomes(n11)).created).toBe(1);
    expect(await everywhereShows(barcode, 3)).toEqual(everywhere(3));

    await cancelOn(sandbox, n11, orderId);
    expect((await outcomes(n11)).cancelled).toBe(1);
    expect((await outcomes(n11)).cancelled ?? 0).toBe(0);
    expect(await level(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect((await ordersOf(n11, orderId))[0]?.status).toBe("CANCELLED");
    expect(await everywhereShows(barcode, 5)).toEqual(everywhere(5));
  });
});

describe("order pull calls", () => {
  test("are written to marketplace_api_logs per store as GET_ORDERS, answered 2xx", async () => {
    for (const m of MARKETPLACES) await outcomes(m);
    await t.services.sync.apiLogs.flush();
    for (const m of MARKETPLACES) {
      const rows = await t.infra.database.db
        .select({ marketplace: marketplaceApiLogs.marketplace, httpStatus: marketplaceApiLogs.httpStatus })
        .from(marketplaceApiLogs)
        .where(and(eq(marketplaceApiLogs.storeId, storeOf(m)), eq(marketplaceApiLogs.callType, "GET_ORDERS")));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.marketplace === m.type && row.httpStatus !== null && row.httpStatus < 300)).toBe(true);
    }
  });
});
