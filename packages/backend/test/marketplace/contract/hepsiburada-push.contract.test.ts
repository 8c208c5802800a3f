/**
 * Hepsiburada's order pushes as the sources show them (packages/marketplace-fixtures/hepsiburada/
 * order-push.json, order-cancel-push.json), sent to our routes under the base URL a seller gives
 * Hepsiburada: the method, the path under the base, the header and the body are the fixtures';
 * only the order number, the line id and the merchant SKU are ours (the product must exist here).
 * We answer what the fixtures answer: 201 to the order, 204 to the cancellation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixture } from "@pazarsync/marketplace-fixtures";
import { createTestApp, type TestApp } from "../../support/app";
import { basic, HB_PUSH, type HbShop, hbShop, listed, ordersUnder, reserved } from "../../order/hepsiburada-push-support";

let t: TestApp;
let shop: HbShop;
beforeAll(async () => {
  t = await createTestApp({ label: "hepsiburada-push-contract" });
  shop = await hbShop(t);
}, 60_000);
afterAll(() => t.close());

/** The fixture's request sent to the store's base: `/{merchantApiBase}` is our route's base, `{lineItemId}` the given line. */
function send(call: "order-push" | "order-cancel-push", lineItemId: string, body: unknown) {
  const { request, response } = fixture("hepsiburada", call).exchanges[0] ?? {};
  if (!request || !response) throw new Error(`fixture ${call} has no exchange`);
  const path = request.path.replace("/{merchantApiBase}", `/api/v1/marketplace/webhooks/hepsiburada/${shop.storeId}`).replace("{lineItemId}", encodeURIComponent(lineItemId));
  const headers = Object.fromEntries(Object.keys(request.headers ?? {}).map((name) => [name, basic(HB_PUSH.username, HB_PUSH.password)]));
  return { expected: response.status, sent: t.request(path, { method: request.method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }) };
}

describe("Hepsiburada order push, as the sources show it", () => {
  test("Create Order is taken in and reserves its line (201); Order Cancel releases the line (204); each sent again changes nothing", async () => {
    const { productId, barcode } = await listed(shop, "HB fixture product", 10);
    const orderNumber = `01${Date.now() % 100_000_000}`;
    const lineId = crypto.randomUUID();
    const pushBody = fixture("hepsiburada", "order-push").exchanges[0]?.request.body as { items: Record<string, unknown>[] };
    const ours = { ...pushBody, items: pushBody.items.map((item) => ({ ...item, id: lineId, orderNumber, merchantSKU: barcode })) };

    for (let i = 0; i < 2; i++) {
      const { expected, sent } = send("order-push", lineId, ours);
      expect((await sent).status).toBe(expected);
      expect(expected).toBe(201);
    }
    expect((await ordersUnder(shop, orderNumber)).map((o) => o.status)).toEqual(["CREATED"]);
    expect(await reserved(shop, productId)).toBe(1);

    const cancelBody = fixture("hepsiburada", "order-cancel-push").exchanges[0]?.request.body as Record<string, unknown>;
    // The fixture cancels 3 units; the order holds 1, so 1 is released and the order is cancelled.
    for (let i = 0; i < 2; i++) {
      const { expected, sent } = send("order-cancel-push", lineId, { ...cancelBody, id: lineId, orderNumber });
      const res = await sent;
      expect(res.status).toBe(expected);
      expect(expected).toBe(204);
    }
    expect((await ordersUnder(shop, orderNumber)).map((o) => o.status)).toEqual(["CANCELLED"]);
    expect(await reserved(shop, productId)).toBe(0);
  });

  test("the official example's isUnpackedLine written as a quoted 'false' is taken as it comes", async () => {
    const { productId, barcode } = await listed(shop, "HB fixture string flag", 10);
    const orderNumber = `02${Date.now() % 100_000_000}`;
    const lineId = crypto.randomUUID();
    const pushBody = fixture("hepsiburada", "order-push").exchanges[0]?.request.body as { items: Record<string, unknown>[] };
    await send("order-push", lineId, { items: pushBody.items.map((item) => ({ ...item, id: lineId, orderNumber, merchantSKU: barcode, quantity: 4 })) }).sent;
    expect(await reserved(shop, productId)).toBe(4);
    const cancelBody = fixture("hepsiburada", "order-cancel-push").exchanges[0]?.request.body as Record<string, unknown>;
    const res = await send("order-cancel-push", lineId, { ...cancelBody, id: lineId, orderNumber, isUnpackedLine: "false" }).sent;
    expect(res.status).toBe(204);
    expect(await reserved(shop, productId)).toBe(1);
    expect((await ordersUnder(shop, orderNumber)).map((o) => o.status)).toEqual(["CREATED"]);
  });
});
