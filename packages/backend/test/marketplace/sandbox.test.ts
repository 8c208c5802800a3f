import { describe, expect, test } from "bun:test";
import { adapterFor, inventoryPath, rawTrendyol, sandbox, SELLER, stockItems } from "./support";
import { pollUntilComplete } from "./fakes";

const batchPath = (id: string, sellerId = SELLER.sellerId) => `/integration/product/sellers/${sellerId}/products/batch-requests/${id}`;

describe("marketplace sandbox", () => {
  test("refuses more than 1000 items in one request with 400", async () => {
    const target = await sandbox();
    const items = Array.from({ length: 1001 }, (_, i) => ({ barcode: `B${i}`, quantity: 1 }));
    const res = await rawTrendyol(target, inventoryPath, { body: { items } });
    expect(res.status).toBe(400);
    expect(target.state.batches.size).toBe(0);
  });

  test("fails an item whose quantity is over 20000 and keeps the rest", async () => {
    const target = await sandbox();
    const res = await rawTrendyol(target, inventoryPath, { body: { items: [{ barcode: "OVER", quantity: 20_001 }, { barcode: "FINE", quantity: 20_000 }] } });
    const { batchRequestId } = (await res.json()) as { batchRequestId: string };
    const result = (await (await rawTrendyol(target, batchPath(batchRequestId), { method: "GET" })).json()) as {
      items: { requestItem: { barcode: string }; status: string; failureReasons: string[] }[];
      failedItemCount: number;
      batchRequestType: string;
    };
    expect(result.items.map((item) => [item.requestItem.barcode, item.status])).toEqual([["OVER", "FAILED"], ["FINE", "SUCCESS"]]);
    expect(result.failedItemCount).toBe(1);
    expect(result.batchRequestType).toBe("ProductInventoryUpdate");
  });

  test("does not show one seller's batch to another seller", async () => {
    const other = { sellerId: "200", apiKey: "k200", apiSecret: "s200" };
    const target = await sandbox({ sellers: [{ ...SELLER }, other] });
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice(stockItems(1));
    const res = await rawTrendyol(target, batchPath(receipt?.batchId ?? "", "200"), {
      method: "GET",
      auth: "k200:s200",
      userAgent: "200 - SelfIntegration",
    });
    expect(res.status).toBe(404);
  });

  test("records each request with its path, item count and answer, and forgets them on DELETE", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice(stockItems(3));
    if (!receipt) throw new Error("no receipt");
    await pollUntilComplete(adapter, receipt);
    const listed = (await (await fetch(`${target.url}/__sandbox/requests`)).json()) as { requests: Record<string, unknown>[] };
    expect(listed.requests.map((r) => [r.method, r.endpoint, r.itemCount, r.status, r.batchRequestId])).toEqual([
      ["POST", "price-and-inventory", 3, 200, receipt.batchId],
      ["GET", "batch-requests", 3, 200, receipt.batchId],
    ]);
    expect(typeof listed.requests[0]?.receivedAt).toBe("string");
    expect((await fetch(`${target.url}/__sandbox/requests`, { method: "DELETE" })).status).toBe(204);
    expect(((await (await fetch(`${target.url}/__sandbox/requests`)).json()) as { requests: unknown[] }).requests).toEqual([]);
  });

  test("refuses fault settings it does not know or out of range with 422", async () => {
    const target = await sandbox();
    const unknownField = await fetch(`${target.url}/__sandbox/faults`, { method: "PUT", body: JSON.stringify({ chaos: 1 }) });
    const outOfRange = await fetch(`${target.url}/__sandbox/faults`, { method: "PUT", body: JSON.stringify({ dropRate: 2 }) });
    expect([unknownField.status, outOfRange.status]).toEqual([422, 422]);
    expect(target.state.faults.dropRate).toBe(0);
  });

  test("takes a new seller at run time and refuses the same seller twice", async () => {
    const target = await sandbox();
    const seller = { sellerId: "777", apiKey: "k", apiSecret: "s" };
    const first = await fetch(`${target.url}/__sandbox/sellers`, { method: "POST", body: JSON.stringify(seller) });
    const again = await fetch(`${target.url}/__sandbox/sellers`, { method: "POST", body: JSON.stringify(seller) });
    expect([first.status, again.status]).toEqual([201, 409]);
    const { adapter } = adapterFor(target, seller);
    expect(await adapter.pushStockAndPrice(stockItems(1))).toHaveLength(1);
  });

  test("answers 404 for quantities of a seller it does not have", async () => {
    const target = await sandbox();
    expect((await fetch(`${target.url}/__sandbox/sellers/nobody/quantities`)).status).toBe(404);
  });
});
