import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { commandsOfReturn } from "../../src/domains/order/service";
import { NO_PORT } from "../../src/domains/returns/decisions";
import { createTestApp, type TestApp } from "../support/app";
import { claimOf, testClaimsPort } from "../support/claims-port";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { newCustomer, openShop, type Shop, stockedProduct } from "../order/support";
import { createReturn, marketplaceStore, received, returnOf, returnsWithPort, shippedMarketplaceOrder, shippedWebOrder, stockIn } from "./support";

let t: TestApp;
let shop: Shop;
let storeId: string;
beforeAll(async () => {
  t = await createTestApp({ label: "returns-claims" });
  shop = await openShop(t);
  storeId = await marketplaceStore(t, shop);
});
afterAll(() => t.close());

async function returnsOfStore(status?: string): Promise<Json[]> {
  const query = `?storeId=${storeId}&limit=100${status ? `&status=${status}` : ""}`;
  const res = await get(t, `/api/v1/returns${query}`, shop.staffToken);
  expect(res.status).toBe(200);
  return (await bodyOf(res)).items;
}

describe("recordClaim", () => {
  test("the same claim read twice is one return", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const { order, number, barcode } = await shippedMarketplaceOrder(t, shop, storeId, productId, 2);
    const claim = claimOf(number, [{ barcode, quantity: 1, lineId: `${number}-1` }]);
    const first = await t.services.returns.recordClaim(storeId, claim);
    const again = await t.services.returns.recordClaim(storeId, { ...claim, raw: { ...(claim.raw as object) } });
    expect([first.outcome, again.outcome]).toEqual(["CREATED", "UNCHANGED"]);
    expect(again.returnId).toBe(first.returnId);
    expect((await returnsOfStore()).filter((r) => r.claim?.claimId === claim.claimId)).toHaveLength(1);
    const ret = await returnOf(t, shop, first.returnId);
    expect(ret).toMatchObject({ source: "MARKETPLACE", status: "REQUESTED", orderId: order.id, claim: { claimId: claim.claimId, marketplaceStatus: "Created", state: "OPEN" } });
    expect(ret.lines).toEqual([expect.objectContaining({ productId, orderLineNo: 1, claimLineId: `${claim.claimId}-L1`, quantityClaimed: 1, reason: "Size too small" })]);
    expect(JSON.parse(ret.claim.raw)).toEqual(claim.raw);
  });

  test("a claim read again with news updates the return; an older reading changes nothing", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const { number, barcode } = await shippedMarketplaceOrder(t, shop, storeId, productId, 1);
    const claim = claimOf(number, [{ barcode, quantity: 1 }]);
    const { returnId } = await t.services.returns.recordClaim(storeId, claim);
    const approved = { ...claim, state: "APPROVED" as const, marketplaceStatus: "Accepted", lastModifiedAt: "2026-12-02T10:00:00.000Z" };
    expect((await t.services.returns.recordClaim(storeId, approved)).outcome).toBe("UPDATED");
    expect((await t.services.returns.recordClaim(storeId, claim)).outcome).toBe("STALE");
    const ret = await returnOf(t, shop, returnId);
    expect(ret).toMatchObject({ decision: "APPROVED", decidedBy: null, claim: { state: "APPROVED", marketplaceStatus: "Accepted" } });
  });

  test("a claim naming an order we do not know is kept for staff, and finds its order when read again", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const number = `TY-LATE-${Math.random().toString(36).slice(2, 8)}`;
    const barcode = (await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken))).barcode;
    const claim = claimOf(number, [{ barcode, quantity: 1 }]);
    const { returnId, outcome } = await t.services.returns.recordClaim(storeId, claim);
    expect(outcome).toBe("CREATED");
    const waiting = await returnOf(t, shop, returnId);
    expect(waiting).toMatchObject({ status: "NEEDS_ATTENTION", orderId: null, attentionReasons: ["UNKNOWN_ORDER", "UNMATCHED_LINE"], claim: { orderNumber: number } });
    expect(waiting.lines).toEqual([expect.objectContaining({ productId: null, barcode, quantityClaimed: 1, attention: "UNMATCHED_LINE" })]);
    expect((await returnsOfStore("NEEDS_ATTENTION")).map((r) => r.id)).toContain(returnId);
    const refused = await sendJson(t, "POST", `/api/v1/returns/${returnId}/receive`, { lines: [{ barcode, quantity: 1, shelfId: shop.shelfId, condition: "OPENED" }] }, shop.staffToken);
    expect(refused.status).toBe(409);
    expect((await bodyOf(refused)).error.code).toBe("RETURN_WITHOUT_ORDER");

    // The order arrives later (intake), then the claim is read again.
    const { order } = await t.services.orders.intakeMarketplaceOrder({ storeId, externalOrderId: number, lines: [{ barcode, quantity: 1, unitPrice: 9_900 }], currency: "TRY" });
    expect((await t.services.returns.recordClaim(storeId, claim)).outcome).toBe("UPDATED");
    expect(await returnOf(t, shop, returnId)).toMatchObject({ status: "REQUESTED", orderId: order.id, attentionReasons: [] });
  });

  test("a line we cannot match is kept beside the ones we can", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const { number, barcode } = await shippedMarketplaceOrder(t, shop, storeId, productId, 1);
    const claim = claimOf(number, [
      { barcode, quantity: 1 },
      { barcode: "not-in-this-order", quantity: 2 },
    ]);
    const ret = await returnOf(t, shop, (await t.services.returns.recordClaim(storeId, claim)).returnId);
    expect(ret).toMatchObject({ status: "NEEDS_ATTENTION", attentionReasons: ["UNMATCHED_LINE"] });
    expect(ret.lines.map((l: Json) => [l.productId, l.barcode, l.attention])).toEqual([
      [productId, barcode, null],
      [null, "not-in-this-order", "UNMATCHED_LINE"],
    ]);
    // The matched line can still be received.
    const done = await received(t, shop, ret.id, [{ productId, quantity: 1, shelfId: "QUARANTINE", condition: "DEFECTIVE" }]);
    expect(done.status).toBe("RECEIVED");
    expect((await stockIn(t, shop, productId)).quarantined).toBe(1);
  });
});

describe("approving and rejecting", () => {
  test("approving a marketplace return records a PENDING APPROVE_RETURN command for its claim", async () => {
    const port = testClaimsPort();
    const returns = returnsWithPort(t, port);
    const productId = await stockedProduct(t, shop, 10);
    const { order, number, barcode } = await shippedMarketplaceOrder(t, shop, storeId, productId, 1);
    const claim = claimOf(number, [{ barcode, quantity: 1 }]);
    const { returnId } = await returns.recordClaim(storeId, claim);
    const approved = await returns.approve(null, returnId);
    expect(approved.decision).toBe("APPROVED");
    const commands = await commandsOfReturn(t.infra.database.db, returnId);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ kind: "APPROVE_RETURN", state: "PENDING", orderId: order.id, storeId, returnId });
    expect(commands[0]?.payload).toEqual({ claim: { claimId: claim.claimId, orderNumber: number, claimLineIds: [`${claim.claimId}-L1`] } });
    // Approving again is a no-op: still one command.
    await returns.approve(null, returnId);
    expect(await commandsOfReturn(t.infra.database.db, returnId)).toHaveLength(1);
    expect((await returnOf(t, shop, returnId)).commands).toEqual([expect.objectContaining({ kind: "APPROVE_RETURN", state: "PENDING" })]);
  });

  test("rejecting with a store that has no command port records NOT_SUPPORTED with the reason", async () => {
    const returns = returnsWithPort(t, undefined);
    const productId = await stockedProduct(t, shop, 10);
    const { number, barcode } = await shippedMarketplaceOrder(t, shop, storeId, productId, 1);
    const { returnId } = await returns.recordClaim(storeId, claimOf(number, [{ barcode, quantity: 1 }]));
    const rejected = await returns.reject(null, returnId, "Used, not returnable");
    expect(rejected).toMatchObject({ decision: "REJECTED", decisionReason: "Used, not returnable" });
    expect(await commandsOfReturn(t.infra.database.db, returnId)).toEqual([
      expect.objectContaining({ kind: "REJECT_RETURN", state: "NOT_SUPPORTED", reason: NO_PORT, payload: expect.objectContaining({ reason: "Used, not returnable" }) }),
    ]);
  });

  test("a web return is approved with no command; the other decision afterwards is 409 RETURN_ALREADY_DECIDED", async () => {
    const buyer = await newCustomer(t);
    const productId = await stockedProduct(t, shop, 10);
    const order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity: 1 }]);
    const ret = await createReturn(t, shop, { orderId: order.id });
    const res = await sendJson(t, "POST", `/api/v1/returns/${ret.id}/approve`, undefined, shop.staffToken);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ decision: "APPROVED", commands: [] });
    expect(await commandsOfReturn(t.infra.database.db, ret.id)).toEqual([]);
    const reject = await sendJson(t, "POST", `/api/v1/returns/${ret.id}/reject`, { reason: "changed my mind" }, shop.staffToken);
    expect(reject.status).toBe(409);
    expect((await bodyOf(reject)).error).toMatchObject({ code: "RETURN_ALREADY_DECIDED", details: { decision: "APPROVED" } });
  });
});
