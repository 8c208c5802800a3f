import { describe, expect, test } from "bun:test";
import {
  MarketplaceDuplicateRequest,
  MarketplaceOutcomeUnknown,
  MarketplaceRateLimited,
} from "../../src/domains/marketplace/errors";
import { adapterFor, sandbox, shownQuantities, stockItems } from "./support";
import { pollUntilComplete, thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

describe("Trendyol adapter: failures and what they say about the write", () => {
  test("an identical body within the scaled 15 minutes is refused as a duplicate, and accepted after it", async () => {
    // 15 minutes play as 0.9 s of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await sandbox({ timeScale: 1000, now: clock.now });
    const { adapter } = adapterFor(target, { duplicateWindowMs: 900 });
    await adapter.pushStockAndPrice(stockItems(2));
    const error = await thrownBy(() => adapter.pushStockAndPrice(stockItems(2)));
    expect(error).toBeInstanceOf(MarketplaceDuplicateRequest);
    const duplicate = error as MarketplaceDuplicateRequest;
    expect(duplicate.fate).toBe("REFUSED");
    expect(duplicate.retryAfterMs).toBe(900);
    expect(duplicate.reasons.join(" ")).toContain("15 dakika");
    clock.advance(899);
    expect(await thrownBy(() => adapter.pushStockAndPrice(stockItems(2)))).toBeInstanceOf(MarketplaceDuplicateRequest);
    clock.advance(1);
    expect(await adapter.pushStockAndPrice(stockItems(2))).toHaveLength(1);
  });

  test("the 51st request in the scaled 10 seconds is refused with 429, and the window then reopens", async () => {
    // 10 seconds play as 1 s of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await sandbox({ timeScale: 10, now: clock.now });
    const { adapter } = adapterFor(target);
    const attempts = await Promise.allSettled(
      Array.from({ length: 51 }, (_, i) => adapter.pushStockAndPrice([{ barcode: `R${i}`, quantity: i }])),
    );
    const refused = attempts.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(50);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(MarketplaceRateLimited);
    expect((refused[0] as MarketplaceRateLimited).fate).toBe("REFUSED");
    expect(target.state.requests().filter((r) => r.status === 429)).toHaveLength(1);
    clock.advance(999);
    expect(await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "EARLY", quantity: 1 }]))).toBeInstanceOf(MarketplaceRateLimited);
    clock.advance(1);
    expect(await adapter.pushStockAndPrice([{ barcode: "AFTER", quantity: 1 }])).toHaveLength(1);
  });

  test("a 429 mid-push keeps the accepted receipts and lists the rest as unsent", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    // 49 single pushes leave room for exactly one more request in the window.
    for (let i = 0; i < 49; i += 1) await adapter.pushStockAndPrice([{ barcode: `F${i}`, quantity: 1 }]);
    const items = stockItems(1500);
    const error = (await thrownBy(() => adapter.pushStockAndPrice(items))) as MarketplaceRateLimited;
    expect(error).toBeInstanceOf(MarketplaceRateLimited);
    expect(error.progress?.submitted.map((r) => r.itemCount)).toEqual([1000]);
    expect(error.progress?.inDoubt).toEqual([]);
    expect(error.progress?.unsent).toEqual(items.slice(1000).map((item) => item.barcode));
  });

  test("a 5xx is an unknown outcome: the batch's barcodes are in doubt", async () => {
    const target = await sandbox({ faults: { status5xxRate: 1 } });
    const { adapter } = adapterFor(target);
    const error = await thrownBy(() => adapter.pushStockAndPrice(stockItems(2)));
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    const unknown = error as MarketplaceOutcomeUnknown;
    expect(unknown.fate).toBe("UNKNOWN");
    expect(unknown.failure).toBe("SERVER_ERROR");
    expect(unknown.httpStatus).toBe(503);
    expect(unknown.progress?.inDoubt).toEqual(["BC000000", "BC000001"]);
  });

  test("a dropped connection is an unknown outcome even though the marketplace applied the write", async () => {
    const target = await sandbox({ faults: { dropRate: 1 } });
    const { adapter } = adapterFor(target);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "DROP", quantity: 8 }]));
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect((error as MarketplaceOutcomeUnknown).failure).toBe("CONNECTION");
    expect(await shownQuantities(target)).toEqual({ DROP: 8 });
  });

  test("an answer slower than the timeout is an unknown outcome", async () => {
    const target = await sandbox({ faults: { latencyMs: 300 } });
    const { adapter } = adapterFor(target, { timeoutMs: 50 });
    const error = await thrownBy(() => adapter.pushStockAndPrice(stockItems(1)));
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect((error as MarketplaceOutcomeUnknown).failure).toBe("TIMEOUT");
  });

  test("faults changed at run time take effect on the next request", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    const put = await fetch(`${target.url}/__sandbox/faults`, { method: "PUT", body: JSON.stringify({ status5xxRate: 1 }) });
    expect(put.status).toBe(200);
    expect(await thrownBy(() => adapter.pushStockAndPrice(stockItems(1)))).toBeInstanceOf(MarketplaceOutcomeUnknown);
    await fetch(`${target.url}/__sandbox/faults`, { method: "PUT", body: JSON.stringify({ status5xxRate: 0 }) });
    const [receipt] = await adapter.pushStockAndPrice(stockItems(1));
    if (!receipt) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, receipt)).complete).toBe(true);
  });
});
