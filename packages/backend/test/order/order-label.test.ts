/**
 * GET /api/v1/orders/:id/label against the sandbox: Hepsiburada's package label once the order is
 * packed (409 ORDER_LABEL_NOT_READY before), Trendyol's common label by the package's cargo
 * tracking number, each answered as the marketplace's bytes in its content type; a marketplace
 * that gives no label (N11) 422 ORDER_LABEL_NOT_SUPPORTED naming it with no call made; a web order
 * 409 ORDER_NOT_MARKETPLACE; an unknown order 404; customers 403.
 */
import { describe, expect, test } from "bun:test";
import { type Json } from "../support/http";
import { bearer, customer, get } from "../support/identity";
import { newCustomer, openShop, placed, stockedProduct } from "./support";
import { fulfilmentShop, listed, orderState, pull, runWorker, step, takenIn } from "./fulfilment-e2e-support";

const labelOf = (f: Awaited<ReturnType<typeof fulfilmentShop>>, orderId: string, token = f.shop.tokens.staff) =>
  f.t.request(`/api/v1/orders/${orderId}/label`, { headers: bearer(token) });

describe("GET /api/v1/orders/:id/label", () => {
  test("Hepsiburada: 409 ORDER_LABEL_NOT_READY before packing; once packed and pulled, the package's ZPL label", async () => {
    const f = await fulfilmentShop("HEPSIBURADA");
    const { barcode } = await listed(f, 5);
    const order = await takenIn(f, [{ barcode, quantity: 1, unitPrice: 2_000 }]);
    const orderNumber = String(order.externalOrderId);

    const early = await labelOf(f, order.id);
    expect(early.status).toBe(409);
    const refusal = (await early.json()) as Json;
    expect(refusal.error.code).toBe("ORDER_LABEL_NOT_READY");
    expect(refusal.error.details).toMatchObject({ marketplace: "HEPSIBURADA" });
    expect(refusal.error.details.reasons.join(" ")).toContain("package");
    expect((await orderState(f, orderNumber)).calls).toEqual({});

    await step(f, order.id, "pick");
    await runWorker(f);
    await pull(f);
    const res = await labelOf(f, order.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zpl");
    const text = await res.text();
    // The sandbox's label barcodes the package (the answer's `data` handed over as it came).
    expect(text).toMatch(/^\^XA\^FO50,50\^BCN,100,Y,N,N\^FD\d+\^FS\^XZ$/);
    expect((await orderState(f, orderNumber)).calls).toEqual({ pack: 1, labels: 1 });
  });

  test("Trendyol: the common label by the package's cargo tracking number, ZPL as text; customers 403, unknown order 404", async () => {
    const f = await fulfilmentShop("TRENDYOL");
    const { barcode } = await listed(f, 5);
    const order = await takenIn(f, [{ barcode, quantity: 1, unitPrice: 2_000 }]);
    const orderNumber = String(order.externalOrderId);
    const tracking = String((await orderState(f, orderNumber)).packages[0].cargoTrackingNumber);

    const res = await labelOf(f, order.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toBe(`^XA^FO50,50^FD${tracking}^FS^XZ`);
    expect((await orderState(f, orderNumber)).commandCalls).toEqual({ COMMON_LABEL: 1 });

    const buyer = await customer(f.t);
    expect((await labelOf(f, order.id, buyer.tokens.accessToken)).status).toBe(403);
    expect((await f.t.request(`/api/v1/orders/${order.id}/label`)).status).toBe(401);
    const unknown = await labelOf(f, crypto.randomUUID());
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error.code).toBe("ORDER_NOT_FOUND");
    expect((await orderState(f, orderNumber)).commandCalls).toEqual({ COMMON_LABEL: 1 });
  });

  test("N11 gives no label: 422 ORDER_LABEL_NOT_SUPPORTED naming it, no call made; a web order: 409 ORDER_NOT_MARKETPLACE", async () => {
    const f = await fulfilmentShop("N11");
    const { barcode } = await listed(f, 5);
    const order = await takenIn(f, [{ barcode, quantity: 1, unitPrice: 2_000 }]);
    const res = await labelOf(f, order.id);
    expect(res.status).toBe(422);
    const body = (await res.json()) as Json;
    expect(body.error.code).toBe("ORDER_LABEL_NOT_SUPPORTED");
    expect(body.error.details).toMatchObject({ marketplace: "N11", source: expect.any(String) });
    expect((await orderState(f, String(order.externalOrderId))).commandCalls).toEqual({});

    const shop = await openShop(f.t);
    const productId = await stockedProduct(f.t, shop, 3);
    const web = await placed(f.t, await newCustomer(f.t), shop.storeId, [{ productId, quantity: 1 }]);
    const webLabel = await f.t.request(`/api/v1/orders/${web.id}/label`, { headers: bearer(shop.staffToken) });
    expect(webLabel.status).toBe(409);
    expect(((await webLabel.json()) as Json).error.code).toBe("ORDER_NOT_MARKETPLACE");
    expect((await get(f.t, `/api/v1/orders/${web.id}`, shop.staffToken)).status).toBe(200);
  });
});
