/**
 * N11, PttAVM and Pazarama orders are one order each, keyed by (store, order number), whatever
 * packages or line statuses they come in: a split or a partial cancellation stays one order,
 * releases exactly the cancelled units once, and re-reads release nothing more. Pulled from one
 * sandbox through the real pull, intake and Postgres.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { createStore, createWarehouse } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { levelIn, listedOnEvery, type MarketplaceShop, ordersOfStore, pulledOutcomes } from "./marketplace-stores-support";
import { everyMarketplaceSandbox, MARKETPLACES, orderOn, type SandboxMarketplace } from "../support/marketplaces";

let t: TestApp;
let sandbox: RunningSandbox;
const tokens = { staff: "", admin: "" };
let warehouse: { id: string; shelfId: string };
const stores = new Map<string, string>();
beforeAll(async () => {
  t = await createTestApp({ label: "line-cancellations" });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
  sandbox = await everyMarketplaceSandbox();
  warehouse = await createWarehouse(t, tokens.staff);
  for (const m of MARKETPLACES) {
    if (m.type === "N11" || m.type === "PTTAVM" || m.type === "PAZARAMA") {
      stores.set(m.type, await createStore(t, tokens.admin, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [warehouse.id] }));
    }
  }
});
afterAll(async () => {
  sandbox?.state.trendyolWebhooks.stop();
  await sandbox?.stop();
  await t.close();
});

const marketplace = (type: string) => MARKETPLACES.find((m) => m.type === type) as SandboxMarketplace;
const storeOf = (m: SandboxMarketplace) => stores.get(m.type) as string;

const shop = (): MarketplaceShop => ({ t, tokens, warehouse, storeIds: stores.values(), storeOf });
const listed = (stock: number) => listedOnEvery(shop(), "Lines", stock);
const pull = (m: SandboxMarketplace) => pulledOutcomes(shop(), m);
const ordersOf = (m: SandboxMarketplace, externalId: string) => ordersOfStore(shop(), m, externalId);
const level = (productId: string) => levelIn(shop(), productId);

async function control(m: SandboxMarketplace, what: string, body: unknown): Promise<Json> {
  const res = await fetch(`${sandbox.url}/__sandbox/marketplaces/${m.type.toLowerCase()}/${m.account}/${what}`, { method: "POST", body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`sandbox ${what}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function twoProducts() {
  return { a: await listed(10), b: await listed(10) };
}

/** The marketplace's order as the sandbox shows it: each line's id by barcode. */
function lineIdsOf(m: SandboxMarketplace, payload: Json): Record<string, string> {
  if (m.type === "N11") return Object.fromEntries(payload.lines.map((l: Json) => [l.stockCode, String(l.orderLineId)]));
  if (m.type === "PTTAVM") return Object.fromEntries(payload.siparisUrunler.map((l: Json) => [l.urunBarkod, String(l.lineItemId)]));
  return Object.fromEntries(payload.items.map((l: Json) => [l.product.code, String(l.orderItemId)]));
}

async function orderWithTwoLines(m: SandboxMarketplace, a: string, b: string) {
  const res = await fetch(`${sandbox.url}/__sandbox/marketplaces/${m.type.toLowerCase()}/${m.account}/orders`, {
    method: "POST",
    body: JSON.stringify({ lines: [{ code: a, quantity: 2, unitPrice: 1_000 }, { code: b, quantity: 3, unitPrice: 1_000 }] }),
  });
  const created = (await res.json()) as { id: string; payload: Json };
  return { orderId: created.id, payload: created.payload, lineIds: lineIdsOf(m, created.payload) };
}

/** The marketplace cancels line `lineId` (all its units) of the order. */
async function cancelLine(m: SandboxMarketplace, orderId: string, payload: Json, lineId: string, quantity: number) {
  if (m.type === "N11") await control(m, "cancel-lines", { packageId: String(payload.id), lines: [{ orderLineId: Number(lineId), quantity }] });
  else await control(m, "cancel-lines", { orderId, lineIds: [lineId] });
}

describe.each(["N11", "PTTAVM", "PAZARAMA"])("%s: a partly cancelled order", (type) => {
  const m = () => marketplace(type);

  test("stays one order, releases exactly the cancelled line once, and cancelling the rest cancels it", async () => {
    const { a, b } = await twoProducts();
    const { orderId, payload, lineIds } = await orderWithTwoLines(m(), a.barcode, b.barcode);
    expect((await pull(m())).created).toBe(1);
    expect([await level(a.productId), await level(b.productId)]).toEqual([{ onHand: 10, reserved: 2 }, { onHand: 10, reserved: 3 }]);

    await cancelLine(m(), orderId, payload, lineIds[a.barcode] as string, 2);
    await pull(m());
    const again = await pull(m());
    expect(again.created ?? 0).toBe(0);
    expect([await level(a.productId), await level(b.productId)]).toEqual([{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 3 }]);
    const orders = await ordersOf(m(), orderId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: "CREATED" });
    // Pazarama's V2 call lists each unit as an item of its own: the units of one product are added up here.
    const byProduct = (productId: string) => {
      const items: Json[] = orders[0].items.filter((item: Json) => item.productId === productId);
      return [items.reduce((sum, item) => sum + item.quantity, 0), items.reduce((sum, item) => sum + (item.cancelledQuantity ?? 0), 0)];
    };
    expect([byProduct(a.productId), byProduct(b.productId)]).toEqual([[2, 2], [3, 0]]);

    // The rest cancelled: nothing of the order is held, the order is CANCELLED, and a re-read changes nothing.
    if (type === "N11") {
      const rest = (await bodyOf(await get(t, `/api/v1/orders/${orders[0].id}`, tokens.staff))).packages.find((p: Json) => p.status === "Created");
      await control(m(), "cancel-lines", { packageId: rest.packageId, lines: [{ orderLineId: Number(lineIds[b.barcode]), quantity: 3 }] });
    } else await cancelLine(m(), orderId, payload, lineIds[b.barcode] as string, 3);
    await pull(m());
    await pull(m());
    expect([await level(a.productId), await level(b.productId)]).toEqual([{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 0 }]);
    expect((await ordersOf(m(), orderId))[0]).toMatchObject({ status: "CANCELLED" });
  });

  test("a line already cancelled when the order is first read reserves nothing, and is not released again", async () => {
    const { a, b } = await twoProducts();
    const { orderId, payload, lineIds } = await orderWithTwoLines(m(), a.barcode, b.barcode);
    await cancelLine(m(), orderId, payload, lineIds[a.barcode] as string, 2);
    await pull(m());
    await pull(m());
    expect([await level(a.productId), await level(b.productId)]).toEqual([{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 3 }]);
    const orders = await ordersOf(m(), orderId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: "CREATED" });
  });
});

describe("N11: a split package", () => {
  test("stays one order: the new packages reserve nothing already held, the replaced one releases nothing", async () => {
    const n11 = marketplace("N11");
    const { a, b } = await twoProducts();
    const { orderId, payload, lineIds } = await orderWithTwoLines(n11, a.barcode, b.barcode);
    await pull(n11);
    // N11 splits only Picking packages; the order moves on before the pull sees it again.
    await control(n11, "package-status", { packageId: String(payload.id), status: "Picking" });
    const split = await control(n11, "split", { packageId: String(payload.id), orderLineIds: [Number(lineIds[a.barcode])] });
    expect(split.unpacked.shipmentPackageStatus).toBe("UnPacked");
    await pull(n11);
    await pull(n11);
    expect([await level(a.productId), await level(b.productId)]).toEqual([{ onHand: 10, reserved: 2 }, { onHand: 10, reserved: 3 }]);
    const orders = await ordersOf(n11, orderId);
    expect(orders).toHaveLength(1);
    expect(orders[0].packages.map((p: Json) => p.packageId).sort()).toEqual([String(payload.id), ...split.packages.map((p: Json) => p.id)].sort());
  });

  test("an order first seen after it left Created (Shipped) is still taken in, and shipped: its stock consumed", async () => {
    const n11 = marketplace("N11");
    const { a } = await twoProducts();
    const orderId = await orderOn(sandbox, n11, [{ barcode: a.barcode, quantity: 4, unitPrice: 1_000 }]);
    const packages = await bodyOf(await fetch(`${sandbox.url}/__sandbox/marketplaces/n11/${n11.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: a.barcode, quantity: 1, unitPrice: 1_000 }] }) }));
    await control(n11, "package-status", { packageId: String(packages.payload.id), status: "Shipped" });
    await pull(n11);
    expect(await ordersOf(n11, orderId)).toHaveLength(1);
    expect((await ordersOf(n11, packages.id))[0]).toMatchObject({ status: "SHIPPED" });
    expect(await level(a.productId)).toEqual({ onHand: 9, reserved: 4 });
  });
});
