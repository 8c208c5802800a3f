/**
 * The in-app sandbox's Trendyol answers the evidence fixtures' requests in the fixtures' shapes,
 * and plays the order stream as documented: newest first, at most 200 a page, nextCursor with the
 * same filters, names it does not know ignored.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { type RunningSandbox, startSandbox, packagePayload } from "@pazarsync/marketplace-sandbox";

const SELLER = "881";
const HEADERS = { authorization: `Basic ${Buffer.from("key:secret").toString("base64")}`, "user-agent": `${SELLER} - SelfIntegration` };
const DAY = 24 * 3600_000;

let sandbox: RunningSandbox;
let oldestFirst: RunningSandbox;
beforeAll(async () => {
  const sellers = [{ sellerId: SELLER, apiKey: "key", apiSecret: "secret" }];
  sandbox = await startSandbox({ sellers, resultDelayMs: 0 });
  oldestFirst = await startSandbox({ sellers, trendyolOrderStream: "oldest-first" });
});
afterAll(async () => {
  await sandbox.stop();
  await oldestFirst.stop();
});

type Json = Record<string, unknown> & { content: Record<string, unknown>[]; hasMore: boolean; nextCursor: string | null; size: number };

async function stream(on: RunningSandbox, query: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${on.url}/integration/order/sellers/${SELLER}/orders/stream?${new URLSearchParams(query)}`, { headers: HEADERS });
  return { status: res.status, body: (await res.json()) as Json };
}

async function order(on: RunningSandbox, barcode: string, fieldNames: "current" | "legacy" = "current"): Promise<number> {
  const res = await fetch(`${on.url}/__sandbox/sellers/${SELLER}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lines: [{ barcode, quantity: 1, unitPrice: 1_000 }], fieldNames }),
  });
  return ((await res.json()) as { shipmentPackageId: number }).shipmentPackageId;
}

const ids = (body: Json) => body.content.map((p) => Number(p.shipmentPackageId ?? p.id));
const window = () => ({ lastModifiedStartDate: String(Date.now() - DAY), lastModifiedEndDate: String(Date.now() + DAY) });

describe("the sandbox answers the Trendyol fixtures' requests in their shapes", () => {
  test("stock/price write and its batch result", async () => {
    const write = fixture("trendyol", "stock-price-write").exchanges[0];
    const poll = fixture("trendyol", "result-poll").exchanges[0];
    const res = await fetch(`${sandbox.url}/integration/inventory/sellers/${SELLER}/products/price-and-inventory`, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/json" },
      body: JSON.stringify({ items: [{ barcode: "11111111111", quantity: 100, salePrice: 100, listPrice: 100 }] }),
    });
    const accepted = (await res.json()) as { batchRequestId: string };
    expect(shapeMismatches(write?.response.body, accepted, "answered")).toEqual([]);
    const result = await fetch(`${sandbox.url}/integration/product/sellers/${SELLER}/products/batch-requests/${accepted.batchRequestId}`, { headers: HEADERS });
    const body = (await result.json()) as { items: unknown[]; status?: unknown };
    expect(body.items.length).toBe(1);
    expect(shapeMismatches(poll?.response.body, body, "answered")).toEqual([]);
    // Inventory batches carry no batch-level status.
    expect(body.status).toBeUndefined();
  });

  test("the order stream, current and older field names", async () => {
    await order(sandbox, "FX-CURRENT");
    await order(sandbox, "FX-LEGACY", "legacy");
    const current = fixture("trendyol", "order-pull").exchanges[0]?.response.body;
    const legacy = fixture("trendyol", "order-pull.legacy").exchanges[0]?.response.body;
    const { status, body } = await stream(sandbox, { ...window(), size: "200" });
    expect(status).toBe(200);
    const newer = body.content.find((p) => "shipmentPackageId" in p);
    const older = body.content.find((p) => !("shipmentPackageId" in p));
    // A first page with more to come (the fixture's first answer carries a cursor).
    const paged = await stream(sandbox, { ...window(), size: "1" });
    expect(shapeMismatches(current, { ...paged.body, content: [newer] }, "answered")).toEqual([]);
    expect(shapeMismatches(legacy, { ...body, content: [older] }, "answered")).toEqual([]);
  });

  test("the webhook delivery: the sandbox posts one package, the bare-package variant", () => {
    const delivery = fixture("trendyol", "webhook-delivery").exchanges[0]?.request.body;
    const sent = packagePayload({
      packageId: 3_330_111_111,
      orderNumber: "TEST-1",
      sellerId: SELLER,
      status: "Created",
      orderDate: 1_789_000_000_000,
      lastModifiedDate: 1_789_000_100_000,
      lines: [{ barcode: "TEST-BARCODE", quantity: 2, unitPrice: 8_500 }],
      fieldNames: "current",
      createdBy: "order-creation",
      originPackageIds: null,
      cargoTrackingNumber: 7_280_027_504_111_111,
    });
    expect(shapeMismatches(delivery, sent, "answered")).toEqual([]);
  });
});

describe("the sandbox plays units the seller cannot supply as the sources show it", () => {
  test("the old package becomes Cancelled with the units given up, the rest a new package of the same orderNumber, in the fixture's shapes", async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/sellers/${SELLER}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        lines: [
          { barcode: "FX-U-A", quantity: 2, unitPrice: 8_500 },
          { barcode: "FX-U-B", quantity: 3, unitPrice: 8_500 },
        ],
      }),
    });
    const created = (await res.json()) as { shipmentPackageId: number; orderNumber: string; payload: { lines: { lineId: number }[] } };
    const [lineA, lineB] = created.payload.lines.map((line) => line.lineId) as [number, number];
    const before = await stream(sandbox, { ...window(), size: "200" });
    const pulled = fixture("trendyol", "order-pull.unsupplied").exchanges.map((e) => e.response.body as Json);
    const [first, second] = pulled as [Json, Json];
    const original = before.body.content.find((p) => p.shipmentPackageId === created.shipmentPackageId);
    expect(shapeMismatches(first, { ...before.body, content: [original] }, "answered")).toEqual([]);

    const unsupplied = await fetch(`${sandbox.url}/__sandbox/sellers/${SELLER}/orders/${created.shipmentPackageId}/unsupplied`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ lineId: lineA, quantity: 2 }, { lineId: lineB, quantity: 1 }] }),
    });
    expect(unsupplied.status).toBe(200);
    const { body } = await stream(sandbox, { ...window(), size: "200" });
    const mine = body.content.filter((p) => p.orderNumber === created.orderNumber);
    // Newest first: the package holding the rest was made after the old one was cancelled.
    const [rest, old] = mine as [Record<string, unknown>, Record<string, unknown>];
    expect(mine).toHaveLength(2);
    expect(shapeMismatches({ ...second, content: [second.content[0]] }, { ...body, content: [rest] }, "answered")).toEqual([]);
    expect(shapeMismatches({ ...second, content: [second.content[1]] }, { ...body, content: [old] }, "answered")).toEqual([]);
    const lines = (p: Record<string, unknown>) => (p.lines as { lineId: number; quantity: number }[]).map((l) => [l.lineId, l.quantity]);
    expect([old.shipmentPackageId, old.shipmentPackageStatus, old.createdBy, old.originPackageIds, lines(old)]).toEqual([
      created.shipmentPackageId,
      "Cancelled",
      "order-creation",
      null,
      [
        [lineA, 2],
        [lineB, 1],
      ],
    ]);
    expect([rest.shipmentPackageStatus, rest.createdBy, rest.originPackageIds, lines(rest)]).toEqual(["Created", "cancel", [created.shipmentPackageId], [[lineB, 2]]]);
    expect(rest.shipmentPackageId).not.toBe(created.shipmentPackageId);
  });
});

describe("the sandbox's order stream plays the documented behaviour", () => {
  test("newest modification first, pages of `size` followed through nextCursor to the end", async () => {
    const made = [await order(sandbox, "FX-P1"), await order(sandbox, "FX-P2"), await order(sandbox, "FX-P3")];
    const filters = { ...window(), size: "2" };
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await stream(sandbox, cursor ? { ...filters, nextCursor: cursor } : filters);
      expect(status).toBe(200);
      expect(body.content.length).toBeLessThanOrEqual(2);
      seen.push(...ids(body));
      cursor = body.hasMore ? body.nextCursor : null;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen.filter((id) => made.includes(id))).toEqual([...made].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  test("a size over 200 is refused; without a size a page holds at most 50", async () => {
    expect((await stream(sandbox, { ...window(), size: "201" })).status).toBe(400);
    expect((await stream(sandbox, { ...window(), size: "200" })).status).toBe(200);
    expect((await stream(sandbox, window())).body.size).toBe(50);
  });

  test("a wrong parameter name is ignored: the first page of the last 14 days comes back again", async () => {
    await order(sandbox, "FX-W1");
    await order(sandbox, "FX-W2");
    const first = await stream(sandbox, { size: "1" });
    expect(first.body.hasMore).toBe(true);
    const wrong = await stream(sandbox, { size: "1", cursor: first.body.nextCursor ?? "", startDate: "0", page: "1" });
    expect(wrong.status).toBe(200);
    expect(ids(wrong.body)).toEqual(ids(first.body));
  });

  test("a cursor with other filters, or one that is not a cursor, is refused", async () => {
    await order(sandbox, "FX-C1");
    await order(sandbox, "FX-C2");
    const filters = { ...window(), size: "1" };
    const first = await stream(sandbox, filters);
    const cursor = first.body.nextCursor ?? "";
    expect((await stream(sandbox, { ...filters, size: "2", nextCursor: cursor })).status).toBe(400);
    expect((await stream(sandbox, { ...filters, nextCursor: "not-a-cursor" })).status).toBe(400);
    expect((await stream(sandbox, { ...filters, nextCursor: cursor })).status).toBe(200);
  });

  test("a window longer than 14 days is refused", async () => {
    const end = Date.now();
    expect((await stream(sandbox, { lastModifiedStartDate: String(end - 15 * DAY), lastModifiedEndDate: String(end) })).status).toBe(400);
  });

  test("packageItemStatuses filters by status", async () => {
    const id = await order(sandbox, "FX-S1");
    await fetch(`${sandbox.url}/__sandbox/sellers/${SELLER}/orders/${id}/cancel`, { method: "POST" });
    const { body } = await stream(sandbox, { ...window(), size: "200", packageItemStatuses: "Cancelled" });
    expect(ids(body)).toContain(id);
    expect(body.content.every((p) => p.shipmentPackageStatus === "Cancelled")).toBe(true);
  });

  test("the oldest-first option lists the other way round", async () => {
    const made = [await order(oldestFirst, "FX-O1"), await order(oldestFirst, "FX-O2")];
    const { body } = await stream(oldestFirst, { ...window(), size: "200" });
    expect(ids(body).filter((id) => made.includes(id))).toEqual(made);
  });
});
