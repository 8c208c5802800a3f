/**
 * Trendyol's webhook delivery as the sources show it (packages/marketplace-fixtures/trendyol/
 * webhook-delivery*.json), posted to our webhook route: the order is recorded and its stock
 * reserved. The sources disagree on the body (one package, or a page envelope with `content`), so
 * both are posted. Only the barcode and the package id are ours (the product must exist here).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixture } from "@pazarsync/marketplace-fixtures";
import { createTestApp, type TestApp } from "../../support/app";
import { basicAuth, deliver, type IntakeShop, intakeShop, level, listedProduct, type MarketStore, ordersFor, WEBHOOK } from "../../order/intake-support";

type Package = Record<string, unknown> & { lines: Record<string, unknown>[] };

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "trendyol-webhook-contract" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

/** The fixture's package with our product's barcode and a package id of this run. */
function ours(source: Package, barcode: string): Package {
  const id = 3_330_000_000 + Math.floor(Math.random() * 1e8);
  return { ...source, shipmentPackageId: id, lines: source.lines.map((line) => ({ ...line, barcode })) };
}

/** The fixture's header names with this store's webhook credentials as values. */
function headersFor(names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [name, name.toLowerCase() === "authorization" ? basicAuth(WEBHOOK.username, WEBHOOK.password) : WEBHOOK.apiKey]),
  );
}

describe("Trendyol webhook delivery, as the sources show it", () => {
  test("a bare package with Basic auth is recorded and reserves its stock", async () => {
    const request = fixture("trendyol", "webhook-delivery").exchanges[0]?.request;
    const { productId, barcode } = await listedProduct(t, shop, 10);
    const body = ours(request?.body as Package, barcode);
    const res = await deliver(t, store.storeId, body, headersFor(Object.keys(request?.headers ?? {})));
    expect(res.status).toBe(200);
    expect(await ordersFor(t, shop, store, String(body.shipmentPackageId))).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 2 });
  });

  test("a page envelope with x-api-key: every package in content is recorded", async () => {
    const request = fixture("trendyol", "webhook-delivery.envelope").exchanges[0]?.request;
    const envelope = request?.body as Record<string, unknown> & { content: Package[] };
    const { productId, barcode } = await listedProduct(t, shop, 10);
    const body = { ...envelope, content: envelope.content.map((p) => ours(p, barcode)) };
    const res = await deliver(t, store.storeId, body, headersFor(Object.keys(request?.headers ?? {})));
    expect(res.status).toBe(200);
    for (const p of body.content) expect(await ordersFor(t, shop, store, String(p.shipmentPackageId))).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 1 });
  });
});
