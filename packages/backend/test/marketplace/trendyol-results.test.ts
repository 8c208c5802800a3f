import { describe, expect, test } from "bun:test";
import { MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { adapterFor, sandbox, SELLER, shownQuantities, stockItems } from "./support";
import { pollUntilComplete, thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

describe("Trendyol adapter: batch results", () => {
  test("a batch is incomplete with no outcomes until the sandbox has processed it, then complete", async () => {
    const target = await sandbox({ resultDelayMs: 300 });
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice(stockItems(3, 9));
    if (!receipt) throw new Error("no receipt");
    expect(await adapter.batchStatus(receipt)).toEqual({ complete: false, items: [] });
    expect(await shownQuantities(target)).toEqual({});
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.complete).toBe(true);
    expect(status.items.map((item) => item.outcome)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
  });

  test("the sandbox shows the pushed quantities per barcode after success", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "Q1", quantity: 12 }, { barcode: "Q2", quantity: 0 }]);
    if (!receipt) throw new Error("no receipt");
    await pollUntilComplete(adapter, receipt);
    expect(await shownQuantities(target)).toEqual({ Q1: 12, Q2: 0 });
  });

  test("a barcode the marketplace does not know comes back FAILED_PERMANENT with its reason", async () => {
    const target = await sandbox({ sellers: [{ ...SELLER, knownBarcodes: ["KNOWN"] }] });
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "KNOWN", quantity: 4 }, { barcode: "STRANGER", quantity: 4 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.complete).toBe(true);
    const stranger = status.items.find((item) => item.barcode === "STRANGER");
    expect(stranger?.outcome).toBe("FAILED_PERMANENT");
    expect(stranger?.reasons.join(" ")).toContain("STRANGER");
    expect(await shownQuantities(target)).toEqual({ KNOWN: 4 });
  });

  test("a barcode registered through the sandbox becomes known", async () => {
    const target = await sandbox({ sellers: [{ ...SELLER, knownBarcodes: [] }] });
    const res = await fetch(`${target.url}/__sandbox/sellers/${SELLER.sellerId}/barcodes`, {
      method: "POST",
      body: JSON.stringify({ barcodes: ["LATE"] }),
    });
    expect(res.status).toBe(200);
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "LATE", quantity: 6 }]);
    if (!receipt) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, receipt)).items[0]?.outcome).toBe("SUCCEEDED");
  });

  test("injected per-item errors come back FAILED_RETRYABLE and change nothing", async () => {
    const target = await sandbox({ faults: { errorRate: 1 } });
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice(stockItems(2));
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.items.map((item) => item.outcome)).toEqual(["FAILED_RETRYABLE", "FAILED_RETRYABLE"]);
    expect(await shownQuantities(target)).toEqual({});
  });

  test("more than 30 price updates of one barcode in a minute fail as FAILED_RETRYABLE", async () => {
    const target = await sandbox({ timeScale: 10 });
    const { adapter } = adapterFor(target);
    const receipts = [];
    for (let price = 1000; price < 1031; price += 1) {
      receipts.push(...(await adapter.pushStockAndPrice([{ barcode: "PR", salePrice: price, listPrice: 5000 }])));
    }
    const last = receipts.at(-1);
    if (!last || receipts.length !== 31) throw new Error("expected 31 receipts");
    const first = await pollUntilComplete(adapter, receipts[0] ?? last);
    const status = await pollUntilComplete(adapter, last);
    expect(first.items[0]?.outcome).toBe("SUCCEEDED");
    expect(status.items[0]?.outcome).toBe("FAILED_RETRYABLE");
  });

  test("a batch past the (scaled) 4-hour retention is gone: a permanent 404", async () => {
    // 4 hours scaled down to 20 ms of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await sandbox({ timeScale: (4 * 60 * 60 * 1000) / 20, now: clock.now });
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice(stockItems(1));
    if (!receipt) throw new Error("no receipt");
    expect((await adapter.batchStatus(receipt)).complete).toBe(true);
    clock.advance(20);
    const error = await thrownBy(() => adapter.batchStatus(receipt));
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect((error as MarketplaceRefused).code).toBe("MARKETPLACE_NOT_FOUND");
  });

  test("every call reaches the log hook with its type, status, item count and batch id", async () => {
    const target = await sandbox();
    const { adapter, calls } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice(stockItems(3));
    if (!receipt) throw new Error("no receipt");
    await adapter.batchStatus(receipt);
    expect(calls.map(({ callType, httpStatus, itemCount, batchId }) => ({ callType, httpStatus, itemCount, batchId }))).toEqual([
      { callType: "STOCK_UPDATE", httpStatus: 200, itemCount: 3, batchId: receipt.batchId },
      { callType: "BATCH_STATUS", httpStatus: 200, itemCount: 3, batchId: receipt.batchId },
    ]);
    expect(calls.every((call) => call.durationMs >= 0 && call.marketplace === "TRENDYOL")).toBe(true);
  });
});
