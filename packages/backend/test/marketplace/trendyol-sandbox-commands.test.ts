/**
 * The sandbox plays Trendyol's way back as the fixtures show it: answers in the fixtures' shapes
 * and statuses, Created -> Picking -> Invoiced only (the documented 400 otherwise), the invoice
 * link once per package (409 after), the unsupplied split, claims approved or rejected only while
 * WaitingInAction, the per-minute quotas (scaled by rateLimitTimeScale), and the control state.
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { rawTrendyol, SELLER, sandbox } from "./support";

const S = SELLER.sellerId;

/** The status the fixture's (first) answer carries. */
function statusOf(name: string): number {
  const status = fixture("trendyol", name).exchanges[0]?.response.status;
  if (status === undefined) throw new Error(`fixture ${name} has no answer`);
  return status;
}
const pkgPath = (id: number) => `/integration/order/sellers/${S}/shipment-packages/${id}`;

async function order(target: RunningSandbox, orderNumber: string, lines = [{ barcode: "CMD-A", quantity: 3, unitPrice: 1_000 }]) {
  const res = await fetch(`${target.url}/__sandbox/sellers/${S}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ lines, orderNumber }) });
  const created = (await res.json()) as { shipmentPackageId: number; payload: { lines: { lineId: number; quantity: number }[] } };
  return { packageId: created.shipmentPackageId, lines: created.payload.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })) };
}

interface OrderState {
  packages: { shipmentPackageId: number; status: string; invoiceNumber: string | null; invoiceLink: string | null; lines: { lineId: number; quantity: number }[] }[];
  claims: { claimId: string; units: { id: string; status: string }[] }[];
  commandCalls: Record<string, number>;
}

async function stateOf(target: RunningSandbox, orderNumber: string): Promise<OrderState> {
  return (await (await fetch(`${target.url}/__sandbox/sellers/${S}/order-state/${orderNumber}`)).json()) as OrderState;
}

const status = (target: RunningSandbox, id: number, body: unknown) => rawTrendyol(target, pkgPath(id), { method: "PUT", body });
const answer = async (res: Response) => ({ status: res.status, body: (await res.text()) || undefined });

describe("package status updates", () => {
  test("Picking then Invoiced answer like the fixtures; Invoiced first, a repeat or a later step get the documented 400", async () => {
    const target = await sandbox();
    const { packageId, lines } = await order(target, "SB-1");
    const early = await answer(await status(target, packageId, { lines, params: { invoiceNumber: "EME2018000025208" }, status: "Invoiced" }));
    expect(early.status).toBe(statusOf("package-status-invoiced.refused"));
    const picked = await answer(await status(target, packageId, { lines, params: {}, status: "Picking" }));
    expect(picked.status).toBe(statusOf("package-status-picking"));
    expect((await status(target, packageId, { lines, params: {}, status: "Picking" })).status).toBe(400);
    const invoiced = await status(target, packageId, { lines, params: { invoiceNumber: "EME2018000025208" }, status: "Invoiced" });
    expect(invoiced.status).toBe(statusOf("package-status-invoiced"));
    expect((await status(target, packageId, { lines, params: {}, status: "Shipped" })).status).toBe(400);
    const shown = await stateOf(target, "SB-1");
    expect(shown.packages.map((p) => [p.status, p.invoiceNumber])).toEqual([["Invoiced", "EME2018000025208"]]);
    expect(shown.commandCalls).toEqual({ PICKING: 2, INVOICED: 2, STATUS_OTHER: 1 });
  });

  test("the invoice link is kept once: a second link for the package, or the same link for another, is 409", async () => {
    const target = await sandbox();
    const one = await order(target, "SB-2");
    const two = await order(target, "SB-3");
    const link = (id: number, url: string) => rawTrendyol(target, `/integration/sellers/${S}/seller-invoice-links`, { body: { invoiceLink: url, shipmentPackageId: id } });
    expect((await link(one.packageId, "https://inv.example.com/1.pdf")).status).toBe(statusOf("invoice-link"));
    expect((await link(one.packageId, "https://inv.example.com/9.pdf")).status).toBe(statusOf("invoice-link.conflict"));
    expect((await link(two.packageId, "https://inv.example.com/1.pdf")).status).toBe(409);
    expect((await stateOf(target, "SB-2")).packages[0]?.invoiceLink).toBe("https://inv.example.com/1.pdf");
  });
});

describe("unsupplied items and the package read", () => {
  test("the API call splits the package (old Cancelled, rest in a new one); the order's packages read in package-read's shape", async () => {
    const target = await sandbox();
    const { packageId, lines } = await order(target, "SB-4");
    const lineId = lines[0]?.lineId ?? 0;
    const badReason = await rawTrendyol(target, `${pkgPath(packageId)}/items/unsupplied`, { method: "PUT", body: { lines: [{ lineId, quantity: 2 }], reasonId: 503 } });
    expect(badReason.status).toBe(400);
    const res = await rawTrendyol(target, `${pkgPath(packageId)}/items/unsupplied`, { method: "PUT", body: { lines: [{ lineId, quantity: 2 }], reasonId: 500 } });
    expect(res.status).toBe(statusOf("unsupplied"));
    const read = await rawTrendyol(target, `/integration/order/sellers/${S}/orders?orderNumber=SB-4`, { method: "GET" });
    const body = (await read.json()) as { content: { shipmentPackageId: number; status: string; lines: { quantity: number }[] }[] };
    expect(shapeMismatches(fixture("trendyol", "package-read").exchanges[0]?.response.body, body, "answered")).toEqual([]);
    expect(body.content.map((p) => [p.shipmentPackageId === packageId, p.status, p.lines[0]?.quantity])).toEqual([
      [false, "Created", 1],
      [true, "Cancelled", 2],
    ]);
    expect((await stateOf(target, "SB-4")).commandCalls).toEqual({ UNSUPPLIED: 2 });
  });
});

describe("claims", () => {
  async function deliveredWithClaim(target: RunningSandbox, orderNumber: string) {
    const { packageId } = await order(target, orderNumber, [{ barcode: "CMD-R", quantity: 2, unitPrice: 500 }]);
    const undelivered = await fetch(`${target.url}/__sandbox/sellers/${S}/orders/${packageId}/claim`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(undelivered.status).toBe(409);
    await fetch(`${target.url}/__sandbox/sellers/${S}/orders/${packageId}/status`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "Delivered" }) });
    const res = await fetch(`${target.url}/__sandbox/sellers/${S}/orders/${packageId}/claim`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(201);
    return (await res.json()) as { claimId: string; items: { claimItems: { id: string }[] }[] };
  }

  test("the list answers in claims-list's shape; approve and issue answer like their fixtures and move the units; answered units refuse", async () => {
    const target = await sandbox();
    const claim = await deliveredWithClaim(target, "SB-5");
    const [first, second] = claim.items[0]?.claimItems.map((u) => u.id) ?? [];
    const list = await rawTrendyol(target, `/integration/order/sellers/${S}/claims?page=0&size=50`, { method: "GET" });
    expect(shapeMismatches(fixture("trendyol", "claims-list").exchanges[0]?.response.body, await list.json(), "answered")).toEqual([]);
    const approve = await rawTrendyol(target, `/integration/order/sellers/${S}/claims/${claim.claimId}/items/approve`, { method: "PUT", body: { claimLineItemIdList: [first], params: {} } });
    expect(approve.status).toBe(statusOf("claim-approve"));
    const again = await rawTrendyol(target, `/integration/order/sellers/${S}/claims/${claim.claimId}/items/approve`, { method: "PUT", body: { claimLineItemIdList: [first], params: {} } });
    expect(again.status).toBe(400);
    const issuePath = `/integration/order/sellers/${S}/claims/${claim.claimId}/issue`;
    expect((await rawTrendyol(target, `${issuePath}?claimIssueReasonId=2003&claimItemIdList=${second}`)).status).toBe(400);
    const issue = await rawTrendyol(target, `${issuePath}?claimIssueReasonId=451&claimItemIdList=${second}&description=analiz`);
    expect(issue.status).toBe(statusOf("claim-issue"));
    const shown = await stateOf(target, "SB-5");
    expect(shown.claims[0]?.units.map((u) => u.status)).toEqual(["Accepted", "Unresolved"]);
    expect(shown.commandCalls).toEqual({ CLAIM_APPROVE: 2, CLAIM_ISSUE: 2 });
    const byId = (await (await rawTrendyol(target, `/integration/order/sellers/${S}/claims?claimIds=${claim.claimId}`, { method: "GET" })).json()) as { content: unknown[] };
    expect(byId.content.length).toBe(1);
  });

  test("the common label: requested then fetched by the package's cargo tracking number, in common-label-get's shape", async () => {
    const target = await sandbox();
    await order(target, "SB-6");
    const read = (await (await rawTrendyol(target, `/integration/order/sellers/${S}/orders?orderNumber=SB-6`, { method: "GET" })).json()) as { content: { cargoTrackingNumber: number }[] };
    const path = `/integration/sellers/${S}/common-label/${read.content[0]?.cargoTrackingNumber}`;
    expect((await rawTrendyol(target, path, { body: { format: "ZPL" } })).status).toBe(200);
    const label = await (await rawTrendyol(target, path, { method: "GET" })).json();
    expect(shapeMismatches(fixture("trendyol", "common-label-get").exchanges[0]?.response.body, label, "answered")).toEqual([]);
  });
});

describe("the way back's quotas", () => {
  test("a sixth claim approval within the minute is 429; with rateLimitTimeScale 60 the minute is a second", async () => {
    const approvals = async (scale: number) => {
      let clock = 1_800_000_000_000;
      const target = await sandbox({ rateLimitTimeScale: scale, now: () => clock });
      const approve = async () =>
        (await rawTrendyol(target, `/integration/order/sellers/${S}/claims/00000000-0000-4000-8000-000000000000/items/approve`, { method: "PUT", body: { claimLineItemIdList: ["x"], params: {} } })).status;
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push(await approve());
      clock += 1_001;
      codes.push(await approve());
      return codes;
    };
    // 400: no such claim, after the quota let the call through.
    expect(await approvals(1)).toEqual([400, 400, 400, 400, 400, 429, 429]);
    expect(await approvals(60)).toEqual([400, 400, 400, 400, 400, 429, 400]);
  });
});
