/**
 * The sandbox's Hepsiburada order commands and claims against the evidence fixtures: packing,
 * the invoice link, in-transit / deliver / undeliver with their allowed transitions and the
 * documented refusal, labels, cancelbymerchant, the order detail, claims, the quotas, and the
 * `order-state` control route tests use to assert "exactly once" and "no call made".
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { hepsiburadaSandbox, type Incoming, noFaults, type RunningSandbox, type SandboxContext } from "@pazarsync/marketplace-sandbox";
import { HB_ACCOUNT, hbSandbox, ordersPath, rawHb } from "./hepsiburada-support";

const merchant = HB_ACCOUNT.account;
const packagesPath = `/packages/merchantid/${merchant}`;
const control = (target: RunningSandbox, what: string, body?: unknown, query = "") =>
  fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${merchant}/${what}${query}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
const answered = (name: string, body: unknown, exchange = 0) => shapeMismatches(fixture("hepsiburada", name).exchanges[exchange]?.response.body, body, "answered");
const intransitBody = (now = Date.now()) => ({
  shippedDate: new Date(now).toISOString(),
  estimatedArrivalDate: new Date(now + 3 * 86_400_000).toISOString(),
  trackingUrl: "https://cargo.example.com/TRK-9",
  trackingNumber: "TRK-9",
  trackingPhoneNumber: "4440000",
  tax: 0,
  cost: 0,
  deci: 1,
});

async function order(target: RunningSandbox, lines: { code: string; quantity: number; unitPrice: number }[]): Promise<string> {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${merchant}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  return ((await res.json()) as { id: string }).id;
}

interface OrderState {
  lines: { lineId: string; status: string; packageNumber: string | null; quantity: number }[];
  packages: { packageNumber: string; status: string; lineIds: string[]; invoiceNumber: string | null; invoiceLink: string | null; trackingNumber: string | null }[];
  claims: { number: string; lineItemId: string; status: string }[];
  calls: Record<string, number>;
}
const stateOf = async (target: RunningSandbox, orderNumber: string) => (await (await control(target, "order-state", undefined, `?orderNumber=${orderNumber}`)).json()) as OrderState;

describe("Hepsiburada sandbox order commands", () => {
  test("packing, invoice link, in-transit and deliver answer in the fixtures' shapes; wrong transitions are refused 400, a second invoice 409; order-state counts every call", async () => {
    const target = await hbSandbox();
    const id = await order(target, [
      { code: "SKU-1", quantity: 2, unitPrice: 1000 },
      { code: "SKU-2", quantity: 1, unitPrice: 500 },
    ]);
    expect((await rawHb(target, packagesPath, { body: { lineItemRequests: [{ id: `${id}-1`, quantity: 1 }] } })).status).toBe(400);
    const packed = await rawHb(target, packagesPath, { body: { lineItemRequests: [{ id: `${id}-1`, quantity: 2 }] } });
    expect(packed.status).toBe(201);
    const { packageNumber } = (await packed.json()) as { packageNumber: string };
    expect(answered("package-create", { packageNumber, barcode: `62${packageNumber}` })).toEqual([]);
    const pkg = `${packagesPath}/packagenumber/${packageNumber}`;

    const missing = await (await rawHb(target, `${packagesPath}/missing-invoice?offset=0&limit=10`, { method: "GET" })).json();
    expect(answered("missing-invoice", missing)).toEqual([]);
    expect((await rawHb(target, `${pkg}/deliver`, { body: { receivedBy: "A", receivedDate: new Date().toISOString() } })).status).toBe(400);
    expect((await rawHb(target, `${pkg}/invoice`, { method: "PUT", body: { rowNumber: "1" } })).status).toBe(400);
    expect((await rawHb(target, `${pkg}/invoice`, { method: "PUT", body: { invoiceLink: "https://i.example.com/ABC2026000000001.pdf", serialNumber: "ABC", rowNumber: "2026000000001" } })).status).toBe(204);
    expect((await rawHb(target, `${pkg}/invoice`, { method: "PUT", body: { invoiceLink: "https://i.example.com/other.pdf" } })).status).toBe(409);
    const { trackingPhoneNumber: _left, ...withoutPhone } = intransitBody();
    expect((await rawHb(target, `${pkg}/intransit`, { body: withoutPhone })).status).toBe(400);
    expect((await rawHb(target, `${pkg}/intransit`, { body: intransitBody(Date.now() - 8 * 86_400_000) })).status).toBe(400);
    expect((await rawHb(target, `${pkg}/intransit`, { body: intransitBody() })).status).toBe(200);
    expect((await rawHb(target, `${pkg}/intransit`, { body: intransitBody() })).status).toBe(400);
    const detail = await (await rawHb(target, pkg, { method: "GET" })).json();
    expect(answered("package-detail", detail)).toEqual([]);
    expect(detail).toMatchObject({ status: "InTransit", trackingInfoCode: "TRK-9" });
    // In transit: the package has left the packages list (packed, not shipped).
    expect(await (await rawHb(target, `${packagesPath}?Offset=0&limit=10`, { method: "GET" })).json()).toEqual([]);
    const labels = await (await rawHb(target, `${pkg}/labels`, { method: "GET" })).json();
    expect(answered("package-labels", labels)).toEqual([]);
    expect((await rawHb(target, `${pkg}/deliver`, { body: { receivedBy: "A", receivedDate: new Date().toISOString() } })).status).toBe(200);

    const detailOfOrder = await (await rawHb(target, `${ordersPath}/ordernumber/${id}`, { method: "GET" })).json();
    expect(answered("order-detail", detailOfOrder)).toEqual([]);
    const state = await stateOf(target, id);
    expect(state.lines).toEqual([
      { lineId: `${id}-2`, status: "Open", packageNumber: null, quantity: 1 },
      { lineId: `${id}-1`, status: "Delivered", packageNumber, quantity: 2 },
    ]);
    expect(state.packages).toEqual([{ packageNumber, status: "Delivered", lineIds: [`${id}-1`], invoiceNumber: "ABC2026000000001", invoiceLink: "https://i.example.com/ABC2026000000001.pdf", trackingNumber: "TRK-9" }]);
    expect(state.calls).toEqual({ pack: 2, invoice: 3, intransit: 4, deliver: 2, labels: 1 });
  });

  test("cancelbymerchant cancels what is left of an open line: the record appears in the cancelled list; a packed line is refused 400", async () => {
    const target = await hbSandbox();
    const id = await order(target, [
      { code: "SKU-1", quantity: 3, unitPrice: 100 },
      { code: "SKU-2", quantity: 1, unitPrice: 100 },
    ]);
    expect((await control(target, "cancel-line", { lineId: `${id}-1`, quantity: 1 })).status).toBe(200);
    const cancel = (line: string, body: unknown = { reasonId: 83 }) => rawHb(target, `/lineitems/merchantid/${merchant}/id/${line}/cancelbymerchant`, { body });
    expect((await cancel(`${id}-1`, {})).status).toBe(400);
    expect((await cancel(`${id}-1`)).status).toBe(200);
    expect((await control(target, "pack", { lineIds: [`${id}-2`] })).status).toBe(201);
    expect((await cancel(`${id}-2`)).status).toBe(400);
    const cancelled = (await (await rawHb(target, `${ordersPath}/cancelled?offset=0&limit=50`, { method: "GET" })).json()) as { items: { lineItemId: string; quantity: number }[] };
    expect(answered("cancelled-list", cancelled)).toEqual([]);
    expect(cancelled.items.map((item) => [item.lineItemId, item.quantity])).toEqual([
      [`${id}-1`, 1],
      [`${id}-1`, 2],
    ]);
    expect((await stateOf(target, id)).calls).toEqual({ cancelbymerchant: 3 });
  });

  test("claims: only a delivered line takes one; listed in the fixture's shape within its creation window; accepted once, a second answer refused", async () => {
    const target = await hbSandbox();
    const id = await order(target, [{ code: "SKU-1", quantity: 1, unitPrice: 100 }]);
    const { packageNumber } = (await (await control(target, "pack", { lineIds: [`${id}-1`] })).json()) as { packageNumber: string };
    expect((await control(target, "claim", { lineId: `${id}-1` })).status).toBe(422);
    const pkg = `${packagesPath}/packagenumber/${packageNumber}`;
    expect((await rawHb(target, `${pkg}/intransit`, { body: intransitBody() })).status).toBe(200);
    expect((await rawHb(target, `${pkg}/deliver`, { body: { receivedBy: "A", receivedDate: new Date().toISOString() } })).status).toBe(200);
    const created = await control(target, "claim", { lineId: `${id}-1`, reason: "WrongProduct" });
    expect(created.status).toBe(201);
    const { number } = (await created.json()) as { number: string };
    const turkey = (ms: number) => new Date(ms + 3 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    const window = `beginDate=${encodeURIComponent(turkey(Date.now() - 3_600_000))}&endDate=${encodeURIComponent(turkey(Date.now() + 60_000))}`;
    const listed = await (await rawHb(target, `/claims/merchantId/${merchant}?${window}&offset=0&limit=10`, { method: "GET" })).json();
    expect(answered("claim-list", listed)).toEqual([]);
    expect(listed).toMatchObject([{ number, lineItemId: `${id}-1`, status: "NewRequest", Reason: "WrongProduct" }]);
    const earlier = `beginDate=${encodeURIComponent(turkey(Date.now() - 7_200_000))}&endDate=${encodeURIComponent(turkey(Date.now() - 3_600_000))}`;
    expect(await (await rawHb(target, `/claims/merchantId/${merchant}?${earlier}&offset=0&limit=10`, { method: "GET" })).json()).toEqual([]);
    expect((await rawHb(target, `/claims/number/${number}/accept`, { body: {} })).status).toBe(204);
    expect((await rawHb(target, `/claims/number/${number}/reject`, { body: { MerchantStatement: "x" } })).status).toBe(400);
    expect((await rawHb(target, `/claims/number/${number}/accept`, { body: {}, user: "nobody" })).status).toBe(401);
    const state = await stateOf(target, id);
    expect(state.claims).toEqual([{ number, lineItemId: `${id}-1`, status: "Accepted" }]);
    expect(state.calls).toMatchObject({ "claim-accept": 1, "claim-reject": 1 });
  });

  test("quotas: command calls pay the order services' 1000/s (429 with X-RateLimit-*), claims their own; both windows shrink with the time scale", () => {
    const context: SandboxContext = { timeScale: 10, resultDelayMs: 0, scaled: (ms) => ms / 10, random: () => 0.5, currentFaults: () => noFaults };
    const module = hepsiburadaSandbox(context, [HB_ACCOUNT], { orderRequestsPerSecond: 1, claimRequestsPerSecond: 1 });
    const authorization = `Basic ${Buffer.from(`${merchant}:${HB_ACCOUNT.secret}`).toString("base64")}`;
    const call = (method: string, path: string, body: string, at: number, query: Record<string, string> = {}) =>
      module.handle({ method, path, query, body, headers: { authorization, "user-agent": HB_ACCOUNT.key } } as Incoming, at).reply;
    expect(call("POST", `/lineitems/merchantid/${merchant}/id/L-1/cancelbymerchant`, '{"reasonId":83}', 1_000).status).toBe(400);
    const limited = call("GET", `${packagesPath}/packagenumber/1`, "", 1_050);
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({ "X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0" });
    expect(call("GET", `/claims/merchantId/${merchant}`, "", 1_050, { offset: "0", limit: "10" }).status).toBe(200);
    expect(call("POST", "/claims/number/1/accept", "{}", 1_060).status).toBe(429);
    // One scaled second (100 ms) later both windows have moved on.
    expect(call("GET", `${packagesPath}/packagenumber/1`, "", 1_101).status).toBe(404);
    expect(call("POST", "/claims/number/1/accept", "{}", 1_151).status).toBe(404);
  });
});
