/**
 * A marketplace order whose lines we cannot read (a line without a barcode, a quantity that is
 * not a whole number) is an order the marketplace sold all the same: it must be recorded
 * NEEDS_ATTENTION with its reasons, like an unknown barcode. Each marketplace's mapper used to
 * leave such a line out (Trendyol, Hepsiburada: the rest was taken in as if complete, or the
 * order was dropped) or refuse the whole page as an unreadable answer (N11, Pazarama, PttAVM:
 * the store's pull stopped at that order, and every later order waited behind it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openOrdersOf } from "../../src/domains/marketplace/hepsiburada/order-normaliser";
import { normaliseN11Package } from "../../src/domains/marketplace/n11/orders";
import { normalisePazaramaOrder } from "../../src/domains/marketplace/pazarama/orders";
import { normalisePttavmOrder } from "../../src/domains/marketplace/pttavm/orders";
import { normaliseTrendyolPackage } from "../../src/domains/marketplace/trendyol/order-normaliser";
import type { NormalisedOrder } from "../../src/domains/marketplace/types";
import { createTestApp, type TestApp } from "../support/app";
import type { Json } from "../support/http";
import { cannedFetch, NOWHERE } from "../marketplace/fakes";
import { n11AdapterFor } from "../marketplace/n11-support";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, ordersFor } from "./intake-support";

interface Line {
  barcode?: string;
  quantity: number;
  price: number;
}

/** Hepsiburada answers one list item per order line: exactly one order is expected from them. */
function oneHepsiburadaOrder(lines: unknown[]): NormalisedOrder {
  const now = Date.now();
  const orders = openOrdersOf(lines, 180, { from: new Date(now - 60_000), to: new Date(now + 60_000) });
  if (orders.length !== 1) throw new Error(`${orders.length} orders from one order's lines`);
  return orders[0] as NormalisedOrder;
}

/** A mapper's only order (an order with cancelled lines comes as several: none here). */
function onlyOrder(orders: NormalisedOrder[]): NormalisedOrder {
  if (orders.length !== 1 || !orders[0]) throw new Error(`one order expected, ${orders.length} came`);
  return orders[0];
}

/** Each marketplace's own order shape (as its fixtures in packages/marketplace-fixtures show it), built from plain lines (price in lira). */
const MAPPERS: Record<string, (id: string, lines: Line[]) => NormalisedOrder> = {
  TRENDYOL: (id, lines) =>
    normaliseTrendyolPackage({ shipmentPackageId: id, status: "Created", lastModifiedDate: Date.now(), lines: lines.map((l) => ({ barcode: l.barcode, quantity: l.quantity, lineUnitPrice: l.price })) }, new Date()),
  HEPSIBURADA: (id, lines) =>
    oneHepsiburadaOrder(
      lines.map((l, i) => ({ id: `${id}-${i}`, orderNumber: id, orderDate: new Date().toISOString(), status: "Open", merchantSKU: l.barcode, quantity: l.quantity, unitPrice: { amount: l.price, currency: "TRY" } })),
    ),
  N11: (id, lines) =>
    normaliseN11Package({ id, shipmentPackageStatus: "Created", lastModifiedDate: Date.now(), lines: lines.map((l) => ({ stockCode: l.barcode, quantity: l.quantity, price: l.price })) }, new Date()),
  PAZARAMA: (id, lines) =>
    onlyOrder(normalisePazaramaOrder(
      {
        orderId: id,
        orderDate: new Date().toISOString(),
        orderStatus: 3,
        items: lines.map((l, i) => ({ orderItemId: `${id}-${i}`, orderItemStatus: 3, quantity: l.quantity, salePrice: { value: l.price }, product: l.barcode === undefined ? {} : { code: l.barcode } })),
      },
      new Date(),
    )),
  PTTAVM: (id, lines) =>
    onlyOrder(normalisePttavmOrder(
      {
        siparisNo: id,
        islemTarihi: new Date().toISOString().slice(0, 19),
        siparisUrunler: lines.map((l, i) => ({
          lineItemId: i,
          urunBarkod: l.barcode ?? null,
          siparisDurumu: "kargo_yapilmasi_bekleniyor",
          toplamIslemAdedi: l.quantity,
          kdvDahilToplamTutar: l.quantity * l.price,
        })),
      },
      new Date(),
    )),
};

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "unreadable-lines" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

let orders = 0;
const newId = () => `UL-${Date.now()}-${++orders}`;

describe("an order with a line no mapper can read", () => {
  for (const [marketplace, map] of Object.entries(MAPPERS)) {
    test(`${marketplace}: a line without a barcode and one with a fractional quantity make the order NEEDS_ATTENTION, the readable line kept, nothing reserved`, async () => {
      const readable = await listedProduct(t, shop, 5);
      const fractional = await listedProduct(t, shop, 5);
      const id = newId();
      let normalised: NormalisedOrder | undefined;
      let thrown: unknown;
      try {
        normalised = map(id, [
          { barcode: readable.barcode, quantity: 2, price: 30 },
          { quantity: 1, price: 7 },
          { barcode: fractional.barcode, quantity: 1.5, price: 7 },
        ]);
      } catch (error) {
        thrown = error;
      }
      expect({ thrown: thrown instanceof Error ? thrown.message : thrown, mapped: normalised !== undefined }).toEqual({ thrown: undefined, mapped: true });
      const order = normalised as NormalisedOrder;
      await t.services.orders.intakeMarketplaceOrder({ storeId: store.storeId, externalOrderId: order.externalId, lines: order.lines, currency: order.currency, raw: order.raw });
      const [recorded] = (await ordersFor(t, shop, store, id)) as Json[];
      expect(recorded).toMatchObject({ status: "NEEDS_ATTENTION", items: [{ productId: readable.productId, quantity: 2, unitPrice: 3_000 }] });
      expect([...recorded?.attentionReasons].sort()).toEqual(["QUANTITY_OUT_OF_RANGE", "UNKNOWN_BARCODE"]);
      expect(await level(t, shop, readable.productId)).toEqual({ onHand: 5, reserved: 0 });
      expect(await level(t, shop, fractional.productId)).toEqual({ onHand: 5, reserved: 0 });
    });
  }

  test("N11: a page with such a package still answers every package on it, so the pull goes on past it", async () => {
    const packages = [
      { id: 501, shipmentPackageStatus: "Created", lastModifiedDate: 1, lines: [{ quantity: 1, price: 5 }] },
      { id: 502, shipmentPackageStatus: "Created", lastModifiedDate: 2, lines: [{ stockCode: "B-502", quantity: 1, price: 5 }] },
    ];
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ body: { content: packages, totalPages: 1 } }));
    const page = await adapter.pullOrders?.({ since: new Date(0), until: new Date(1000) });
    expect(page?.orders.map((o) => o.externalId)).toEqual(["501", "502"]);
  });
});
