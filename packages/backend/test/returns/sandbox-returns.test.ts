/**
 * Returns end to end against the sandbox with the real adapters: an order taken in from Trendyol
 * and one from Hepsiburada, shipped by staff (the worker sending the steps), delivered and claimed
 * on the marketplace (control routes), arrive through the claims pull, are received one unit to a
 * shelf and one to quarantine, and approved: the worker (kicked after the decision's commit) sends
 * APPROVE_RETURN once and the sandbox shows the claim approved. A PttAVM `iade` line arrives as an
 * approved return; a Hepsiburada reject reaches the sandbox as a rejection.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { everyMarketplaceSandbox, type SandboxMarketplace } from "../support/marketplaces";
import { invariantsOk, ledgerOf, openShop, type Shop } from "../order/support";
import { received, stockIn } from "./support";
import { commandsSettled, control, HEPSIBURADA, listedProduct, PTTAVM, returnsOfOrder, sandboxStores, step, takenIn, TRENDYOL } from "./sandbox-returns-support";

let t: TestApp;
let shop: Shop;
let sandbox: RunningSandbox;
let stores: Map<SandboxMarketplace, string>;
beforeAll(async () => {
  // The worker polls once a minute here: a command sent within seconds was sent by a kick after commit.
  t = await createTestApp({ label: "returns-sandbox", env: { SYNC_POLL_DELAY_MS: "0", ORDER_COMMAND_POLL_MS: "60000" } });
  t.services.commandWorker.start();
  shop = await openShop(t);
  sandbox = await everyMarketplaceSandbox();
  stores = await sandboxStores(t, shop, sandbox);
});
afterAll(async () => {
  await t?.services.commandWorker.stop();
  sandbox?.state.trendyolWebhooks.stop();
  await sandbox?.stop();
  await t.close();
});

const storeOf = (m: SandboxMarketplace) => stores.get(m) as string;

async function sellableOn(productId: string, storeId: string): Promise<number> {
  const detail = await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken));
  return detail.availability.find((a: Json) => a.storeId === storeId).sellable;
}

/** The claims pull for the store; its report. */
async function pullClaims(m: SandboxMarketplace) {
  const report = await t.services.returnClaims.pullStore(storeOf(m));
  if (!report.pulled) throw new Error(`claims not pulled: ${report.reason}`);
  return report;
}

/** Trendyol: picked (PICK sent), shipped (SHIP not supported: the carrier tells Trendyol), delivered on the sandbox, 2 units claimed. */
async function trendyolClaimed(productId: string, barcode: string): Promise<{ order: Json; orderNumber: string }> {
  const order = await takenIn(t, shop, sandbox, TRENDYOL, storeOf(TRENDYOL), productId, barcode, 2);
  await step(t, shop, order.id, "pick");
  await step(t, shop, order.id, "ship", { carrier: "Trendyol Express" });
  expect((await commandsSettled(t, shop, order.id)).map((c) => [c.kind, c.state])).toEqual([
    ["PICK", "CONFIRMED"],
    ["SHIP", "NOT_SUPPORTED"],
  ]);
  const orderNumber = String(order.externalOrderId);
  const [pkg] = (await control(sandbox, TRENDYOL, "GET", `/order-state/${orderNumber}`)).packages;
  expect(pkg.status).toBe("Picking");
  await control(sandbox, TRENDYOL, "POST", `/orders/${pkg.shipmentPackageId}/status`, { status: "Delivered" });
  await control(sandbox, TRENDYOL, "POST", `/orders/${pkg.shipmentPackageId}/claim`, { lines: [{ lineId: pkg.lines[0].lineId, quantity: 2 }] });
  return { order, orderNumber };
}

/** Hepsiburada: picked (packed: the package comes in with the next order pull), shipped with tracking (in transit), delivered, 2 units claimed. */
async function hepsiburadaClaimed(productId: string, barcode: string): Promise<{ order: Json; orderNumber: string }> {
  const order = await takenIn(t, shop, sandbox, HEPSIBURADA, storeOf(HEPSIBURADA), productId, barcode, 2);
  const orderNumber = String(order.marketplaceId);
  await step(t, shop, order.id, "pick");
  expect((await commandsSettled(t, shop, order.id)).map((c) => [c.kind, c.state])).toEqual([["PICK", "CONFIRMED"]]);
  await t.services.orderIntake.pullStore(storeOf(HEPSIBURADA));
  await step(t, shop, order.id, "ship", { carrier: "HX", trackingNumber: "TRK-RET-1" });
  expect((await commandsSettled(t, shop, order.id)).map((c) => [c.kind, c.state])).toEqual([
    ["PICK", "CONFIRMED"],
    ["SHIP", "CONFIRMED"],
  ]);
  const state = await control(sandbox, HEPSIBURADA, "GET", `/order-state?orderNumber=${orderNumber}`);
  const [pkg] = state.packages;
  expect(pkg).toMatchObject({ status: "InTransit", trackingNumber: "TRK-RET-1" });
  const deliver = await fetch(`${sandbox.url}/packages/merchantid/${HEPSIBURADA.account}/packagenumber/${pkg.packageNumber}/deliver`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": HEPSIBURADA.key, authorization: `Basic ${Buffer.from(`${HEPSIBURADA.account}:${HEPSIBURADA.secret}`).toString("base64")}` },
    body: JSON.stringify({ receivedBy: "Alıcı", receivedDate: new Date().toISOString() }),
  });
  expect(deliver.status).toBe(200);
  await control(sandbox, HEPSIBURADA, "POST", "/claim", { lineId: state.lines[0].lineId, quantity: 2 });
  return { order, orderNumber };
}

async function approvedOnce(m: SandboxMarketplace, orderNumber: string): Promise<{ claimStatuses: string[]; calls: Record<string, number> }> {
  if (m === TRENDYOL) {
    const state = await control(sandbox, m, "GET", `/order-state/${orderNumber}`);
    return { claimStatuses: state.claims.flatMap((c: Json) => c.units.map((u: Json) => u.status)), calls: state.commandCalls };
  }
  const state = await control(sandbox, m, "GET", `/order-state?orderNumber=${orderNumber}`);
  return { claimStatuses: state.claims.map((c: Json) => c.status), calls: state.calls };
}

const CASES = [
  { m: TRENDYOL, claimed: trendyolClaimed, approveCall: "CLAIM_APPROVE", approved: "Accepted" },
  { m: HEPSIBURADA, claimed: hepsiburadaClaimed, approveCall: "claim-accept", approved: "Accepted" },
] as const;

describe.each(CASES.map((c) => [c.m.type, c] as const))("a %s claim on a delivered order shipped by staff", (_type, c) => {
  let productId: string;
  let order: Json;
  let orderNumber: string;
  let ret: Json;
  let sellableBefore: number;
  let before: { onHand: number; quarantined: number };
  beforeAll(async () => {
    const product = await listedProduct(t, shop, stores, 10);
    productId = product.productId;
    ({ order, orderNumber } = await c.claimed(productId, product.barcode));
    sellableBefore = await sellableOn(productId, storeOf(c.m));
    before = await stockIn(t, shop, productId);
  });

  test("arrives through the claims pull as one return naming the claim's lines; a second pull changes nothing", async () => {
    expect((await pullClaims(c.m)).outcomes).toMatchObject({ CREATED: 1 });
    const [found, ...others] = await returnsOfOrder(t, shop, order.id);
    expect(others).toEqual([]);
    expect(found).toMatchObject({ source: "MARKETPLACE", status: "REQUESTED", decision: "PENDING", claim: expect.objectContaining({ orderNumber, state: "OPEN" }) });
    expect(found.lines.reduce((sum: number, l: Json) => sum + l.quantityClaimed, 0)).toBe(2);
    expect(found.lines.every((l: Json) => l.productId === productId)).toBe(true);
    ret = found;
    expect((await pullClaims(c.m)).outcomes.CREATED ?? 0).toBe(0);
    expect(await returnsOfOrder(t, shop, order.id)).toHaveLength(1);
  });

  test("received one unit to a shelf and one to quarantine: sellable rises by one only, both ledger rows, invariants hold", async () => {
    const done = await received(t, shop, ret.id, [
      { productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" },
      { productId, quantity: 1, shelfId: "QUARANTINE", condition: "DAMAGED" },
    ]);
    expect(done.status).toBe("RECEIVED");
    expect(await stockIn(t, shop, productId)).toMatchObject({ onHand: before.onHand + 1, quarantined: before.quarantined + 1 });
    expect(await sellableOn(productId, storeOf(c.m))).toBe(sellableBefore + 1);
    const rows = (await ledgerOf(t, shop, productId, order.id)).filter((r) => r.kind === "RETURN" || r.kind === "QUARANTINE");
    expect(rows.map((r) => [r.kind, r.delta, r.quarantineDelta])).toEqual([
      ["RETURN", 1, 0],
      ["QUARANTINE", 0, 1],
    ]);
    const report = await invariantsOk(t, shop);
    expect(report).toMatchObject({ ok: true, violations: [] });
    expect(report.quarantine.units).toBeGreaterThanOrEqual(1);
  });

  test("approved: the worker, kicked after the decision, sends APPROVE_RETURN once and the sandbox shows the claim approved", async () => {
    const res = await sendJson(t, "POST", `/api/v1/returns/${ret.id}/approve`, {}, shop.staffToken);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).decision).toBe("APPROVED");
    // No runOnce here: only the kick sends it (the poll is a minute away).
    const commands = await commandsSettled(t, shop, order.id, 4_000);
    expect(commands.filter((cmd) => cmd.kind === "APPROVE_RETURN").map((cmd) => cmd.state)).toEqual(["CONFIRMED"]);
    const shown = await approvedOnce(c.m, orderNumber);
    expect(shown.claimStatuses.length).toBeGreaterThan(0);
    expect(shown.claimStatuses.every((s) => s === c.approved)).toBe(true);
    expect(shown.calls[c.approveCall]).toBe(1);
    // Approving again is a no-op: no second command, no second call.
    expect((await sendJson(t, "POST", `/api/v1/returns/${ret.id}/approve`, {}, shop.staffToken)).status).toBe(200);
    await t.services.commandWorker.runOnce();
    expect((await approvedOnce(c.m, orderNumber)).calls[c.approveCall]).toBe(1);
    const view = await bodyOf(await get(t, `/api/v1/returns/${ret.id}`, shop.staffToken));
    expect(view.commands.map((cmd: Json) => [cmd.kind, cmd.state])).toEqual([["APPROVE_RETURN", "CONFIRMED"]]);
  });

  test("the order's staff view lists its return with status and decision", async () => {
    const shown = await bodyOf(await get(t, `/api/v1/orders/${order.id}`, shop.staffToken));
    expect(shown.returns).toEqual([{ id: ret.id, source: "MARKETPLACE", status: "RECEIVED", decision: "APPROVED" }]);
  });
});

describe("a Hepsiburada claim rejected by staff", () => {
  test("sends REJECT_RETURN with the staff's statement once; the sandbox shows it Rejected", async () => {
    const { productId, barcode } = await listedProduct(t, shop, stores, 5);
    const { order, orderNumber } = await hepsiburadaClaimed(productId, barcode);
    await pullClaims(HEPSIBURADA);
    const [ret] = await returnsOfOrder(t, shop, order.id);
    const res = await sendJson(t, "POST", `/api/v1/returns/${ret.id}/reject`, { reason: "the parcel came back empty" }, shop.staffToken);
    expect(res.status).toBe(200);
    const commands = await commandsSettled(t, shop, order.id, 4_000);
    expect(commands.filter((cmd) => cmd.kind === "REJECT_RETURN").map((cmd) => cmd.state)).toEqual(["CONFIRMED"]);
    const state = await control(sandbox, HEPSIBURADA, "GET", `/order-state?orderNumber=${orderNumber}`);
    expect(state.claims.map((claim: Json) => claim.status)).toEqual(["Rejected"]);
    expect(state.calls["claim-reject"]).toBe(1);
    expect(state.calls["claim-accept"] ?? 0).toBe(0);
  });
});

describe("a PttAVM iade line", () => {
  test("arrives through the claims pull as a return PttAVM already approved (nothing is asked of the seller)", async () => {
    const { productId, barcode } = await listedProduct(t, shop, stores, 5);
    const order = await takenIn(t, shop, sandbox, PTTAVM, storeOf(PTTAVM), productId, barcode, 1);
    await step(t, shop, order.id, "pick");
    await step(t, shop, order.id, "ship", {});
    // SHIP asks PTT for the shipment barcode (get-warehouse, create-barcode); PTT then moves the line on.
    expect((await commandsSettled(t, shop, order.id, 15_000, ["PENDING", "SENDING"])).map((c) => [c.kind, c.state])).toEqual([
      ["PICK", "NOT_SUPPORTED"],
      ["SHIP", "SENT"],
    ]);
    const state = await control(sandbox, PTTAVM, "GET", `/order-state?orderId=${order.marketplaceId}`);
    const lineItemId = state.lines[0].lineItemId;
    await control(sandbox, PTTAVM, "POST", "/line-status", { orderId: order.marketplaceId, status: "tamamlandi" });
    await control(sandbox, PTTAVM, "POST", "/return-line", { orderId: order.marketplaceId, lineItemId });
    expect((await pullClaims(PTTAVM)).outcomes).toMatchObject({ CREATED: 1 });
    const [ret] = await returnsOfOrder(t, shop, order.id);
    expect(ret).toMatchObject({ source: "MARKETPLACE", status: "REQUESTED", decision: "APPROVED", claim: expect.objectContaining({ state: "APPROVED" }) });
    expect(ret.lines).toEqual([expect.objectContaining({ productId, quantityClaimed: 1 })]);
  });
});
