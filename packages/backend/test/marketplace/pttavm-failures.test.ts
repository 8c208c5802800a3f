import { describe, expect, test } from "bun:test";
import {
  MarketplaceDuplicateRequest,
  MarketplaceOutcomeUnknown,
  MarketplaceRateLimited,
  MarketplaceRefused,
} from "../../src/domains/marketplace/errors";
import { pttAdapterFor, pttItems, pttSandbox, shownBy } from "./pttavm-support";
import { cannedFetch, NOWHERE, thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

describe("PttAVM adapter: failures and what they say about the write", () => {
  test("a wrong access-token is a permanent auth refusal (401), reported once", async () => {
    const target = await pttSandbox();
    const { adapter, calls } = pttAdapterFor(target, { accessToken: "wrong" });
    const error = (await thrownBy(() => adapter.pushStockAndPrice(pttItems(2)))) as MarketplaceRefused;
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect([error.httpStatus, error.code, error.fate, error.permanent]).toEqual([401, "MARKETPLACE_AUTH_FAILED", "REFUSED", true]);
    expect(error.progress?.unsent).toEqual(["PT000000", "PT000001"]);
    expect(calls.map((c) => [c.httpStatus, c.error])).toEqual([[401, "MARKETPLACE_AUTH_FAILED"]]);
  });

  test("a 403 is a permanent auth refusal too", async () => {
    const { adapter } = pttAdapterFor(NOWHERE, { fetch: cannedFetch({ status: 403, body: { success: false, message: "Forbidden" } }) });
    const error = (await thrownBy(() => adapter.pushStockAndPrice(pttItems(1)))) as MarketplaceRefused;
    expect([error.httpStatus, error.code, error.reasons]).toEqual([403, "MARKETPLACE_AUTH_FAILED", ["Forbidden"]]);
  });

  test("an identical body within the scaled 5 minutes is a duplicate refusal, accepted again after it", async () => {
    // 5 minutes play as 300 ms of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await pttSandbox({ timeScale: 1000, now: clock.now });
    const { adapter } = pttAdapterFor(target, { duplicateWindowMs: 300 });
    await adapter.pushStockAndPrice(pttItems(2));
    const error = (await thrownBy(() => adapter.pushStockAndPrice(pttItems(2)))) as MarketplaceDuplicateRequest;
    expect(error).toBeInstanceOf(MarketplaceDuplicateRequest);
    expect([error.fate, error.retryAfterMs]).toEqual(["REFUSED", 300]);
    expect(error.reasons.join(" ")).toContain("5 dakika");
    clock.advance(299);
    expect(await thrownBy(() => adapter.pushStockAndPrice(pttItems(2)))).toBeInstanceOf(MarketplaceDuplicateRequest);
    clock.advance(1);
    expect(await adapter.pushStockAndPrice(pttItems(2))).toHaveLength(1);
  });

  test("a duplicate answered with HTTP 200 and success:false is recognised as well", async () => {
    const { adapter } = pttAdapterFor(NOWHERE, {
      fetch: cannedFetch({ status: 200, body: { success: false, trackingId: null, message: "Aynı istek 5 dakika içinde tekrar gönderilemez" } }),
    });
    expect(await thrownBy(() => adapter.pushStockAndPrice(pttItems(1)))).toBeInstanceOf(MarketplaceDuplicateRequest);
  });

  test("an HTTP-200 rejection (success:false) is a permanent refusal: nothing was processed", async () => {
    const target = await pttSandbox();
    // A batch size over PttAVM's 1000 makes the sandbox refuse the body with HTTP 200.
    const { adapter, calls } = pttAdapterFor(target, { batchSize: 1001 });
    const items = pttItems(1001);
    const error = (await thrownBy(() => adapter.pushStockAndPrice(items))) as MarketplaceRefused;
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect([error.httpStatus, error.permanent, error.code]).toEqual([200, true, "MARKETPLACE_REFUSED"]);
    expect(error.reasons[0]).toContain("1000");
    expect(error.progress).toEqual({ submitted: [], inDoubt: [], unsent: items.map((i) => i.barcode) });
    expect(calls[0]?.error).toBe("MARKETPLACE_REFUSED");
    expect(Object.keys((await shownBy(target)).quantities)).toEqual([]);
  });

  test("the 61st request in the scaled minute is a 429 with Retry-After, and the window then reopens", async () => {
    // A minute plays as 1 s of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await pttSandbox({ timeScale: 60, now: clock.now });
    const { adapter } = pttAdapterFor(target);
    const attempts = await Promise.allSettled(Array.from({ length: 61 }, (_, i) => adapter.pushStockAndPrice([{ barcode: `R${i}`, quantity: i }])));
    const refused = attempts.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(60);
    expect(refused).toHaveLength(1);
    const limited = refused[0] as MarketplaceRateLimited;
    expect(limited).toBeInstanceOf(MarketplaceRateLimited);
    expect([limited.fate, limited.retryAfterMs]).toEqual(["REFUSED", 1000]);
    clock.advance(999);
    expect(await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "EARLY", quantity: 1 }]))).toBeInstanceOf(MarketplaceRateLimited);
    clock.advance(1);
    expect(await adapter.pushStockAndPrice([{ barcode: "AFTER", quantity: 1 }])).toHaveLength(1);
  });

  test("a failure mid-push keeps the accepted receipts and lists the rest", async () => {
    const target = await pttSandbox();
    const { adapter } = pttAdapterFor(target, { batchSize: 2 });
    const items = pttItems(6);
    // The second batch's exact body went out just before: its repeat is refused, after the first batch was accepted.
    await adapter.pushStockAndPrice(items.slice(2, 4));
    const error = (await thrownBy(() => adapter.pushStockAndPrice(items))) as MarketplaceDuplicateRequest;
    expect(error).toBeInstanceOf(MarketplaceDuplicateRequest);
    expect(error.progress?.submitted.map((r) => r.barcodes)).toEqual([["PT000000", "PT000001"]]);
    expect(error.progress?.inDoubt).toEqual([]);
    expect(error.progress?.unsent).toEqual(["PT000002", "PT000003", "PT000004", "PT000005"]);
  });

  test("a 5xx is an unknown outcome with the batch's barcodes in doubt", async () => {
    const target = await pttSandbox({ faults: { status5xxRate: 1 } });
    const { adapter } = pttAdapterFor(target);
    const error = (await thrownBy(() => adapter.pushStockAndPrice(pttItems(2)))) as MarketplaceOutcomeUnknown;
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect([error.fate, error.failure, error.httpStatus]).toEqual(["UNKNOWN", "SERVER_ERROR", 503]);
    expect(error.progress?.inDoubt).toEqual(["PT000000", "PT000001"]);
  });

  test("a dropped connection is an unknown outcome though the marketplace applied the write", async () => {
    const target = await pttSandbox({ faults: { dropRate: 1 } });
    const { adapter, calls } = pttAdapterFor(target);
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "DROP", quantity: 8 }]))) as MarketplaceOutcomeUnknown;
    expect(error.failure).toBe("CONNECTION");
    expect(calls.map((c) => c.httpStatus)).toEqual([null]);
    expect((await shownBy(target)).quantities).toEqual({ DROP: 8 });
  });

  test("an answer slower than the timeout is an unknown outcome", async () => {
    const target = await pttSandbox({ faults: { latencyMs: 300 } });
    const { adapter } = pttAdapterFor(target, { timeoutMs: 50 });
    const error = (await thrownBy(() => adapter.pushStockAndPrice(pttItems(1)))) as MarketplaceOutcomeUnknown;
    expect(error.failure).toBe("TIMEOUT");
  });

  test("an accepted answer without a trackingId, or not JSON, is an unknown outcome", async () => {
    for (const answer of [{ success: true, countOfProductsToBeProcessed: 1 }, "<html>ok</html>"]) {
      const { adapter } = pttAdapterFor(NOWHERE, { fetch: cannedFetch({ status: 200, body: answer }) });
      const error = (await thrownBy(() => adapter.pushStockAndPrice(pttItems(1)))) as MarketplaceOutcomeUnknown;
      expect([error.fate, error.failure]).toEqual(["UNKNOWN", "UNREADABLE_ANSWER"]);
    }
  });

  test("a receipt of another marketplace is refused with 422", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const error = await thrownBy(() => adapter.batchStatus({ marketplace: "TRENDYOL", batchId: "x", submittedAt: "", itemCount: 0, barcodes: [] }));
    expect((error as { code: string }).code).toBe("MARKETPLACE_MISMATCH");
    expect(sent).toEqual([]);
  });
});
