import { describe, expect, test } from "bun:test";
import { MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { createN11Adapter } from "../../src/domains/marketplace/n11/adapter";
import { n11AdapterFor, n11Items, n11Sandbox, shownBy } from "./n11-support";
import { cannedFetch, NOWHERE, thrownBy } from "./fakes";

describe("N11 adapter: failures and what they say about the write", () => {
  test("a wrong appsecret is a 401: permanent auth failure, refused before processing", async () => {
    const target = await n11Sandbox();
    const { adapter, calls } = n11AdapterFor(target, { appSecret: "wrong" });
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]))) as MarketplaceRefused;
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect([error.code, error.httpStatus, error.permanent, error.fate]).toEqual(["MARKETPLACE_AUTH_FAILED", 401, true, "REFUSED"]);
    expect(error.progress?.unsent).toEqual(["A"]);
    expect(calls.map((c) => [c.httpStatus, c.error])).toEqual([[401, "MARKETPLACE_AUTH_FAILED"]]);
    expect((await shownBy(target)).quantities).toEqual({});
  });

  test("past the write quota the sandbox answers 429, which is REFUSED", async () => {
    const target = await n11Sandbox();
    const { adapter } = n11AdapterFor(target);
    const attempts = await Promise.allSettled(Array.from({ length: 101 }, (_, i) => adapter.pushStockAndPrice([{ barcode: `R${i}`, quantity: i }])));
    const refused = attempts.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(100);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(MarketplaceRateLimited);
    expect((refused[0] as MarketplaceRateLimited).fate).toBe("REFUSED");
    expect(target.state.requests().filter((r) => r.status === 429).map((r) => r.endpoint)).toEqual(["price-stock-update"]);
  });

  test("a 429 with Retry-After tells how long to wait", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ status: 429, body: { message: "Too Many Requests" }, headers: { "retry-after": "7" } }));
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]))) as MarketplaceRateLimited;
    expect(error.retryAfterMs).toBe(7000);
  });

  test("another 4xx is a permanent refusal carrying N11's message", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ status: 400, body: { status: 400, error: "Bad Request", message: "payload okunamadı" } }));
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]))) as MarketplaceRefused;
    expect([error.code, error.httpStatus, error.reasons]).toEqual(["MARKETPLACE_REFUSED", 400, ["payload okunamadı"]]);
  });

  test("a 5xx is an unknown outcome: the batch's barcodes are in doubt, later ones unsent", async () => {
    const target = await n11Sandbox({ faults: { status5xxRate: 1 } });
    const { adapter } = n11AdapterFor(target, { batchSize: 2 });
    const error = (await thrownBy(() => adapter.pushStockAndPrice(n11Items(3)))) as MarketplaceOutcomeUnknown;
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect([error.fate, error.failure, error.httpStatus]).toEqual(["UNKNOWN", "SERVER_ERROR", 503]);
    expect(error.progress).toEqual({ submitted: [], inDoubt: ["NS000000", "NS000001"], unsent: ["NS000002"] });
  });

  test("a dropped connection is an unknown outcome even though N11 took the task", async () => {
    const target = await n11Sandbox({ faults: { dropRate: 1 } });
    const { adapter } = n11AdapterFor(target);
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "DROP", quantity: 8 }]))) as MarketplaceOutcomeUnknown;
    expect(error.failure).toBe("CONNECTION");
    expect((await shownBy(target)).quantities).toEqual({ DROP: 8 });
  });

  test("an answer slower than the timeout is an unknown outcome", async () => {
    const target = await n11Sandbox({ faults: { latencyMs: 300 } });
    const { adapter } = n11AdapterFor(target, { timeoutMs: 50 });
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "T", quantity: 1 }]))) as MarketplaceOutcomeUnknown;
    expect(error.failure).toBe("TIMEOUT");
  });

  test("a 5xx on task details is an unknown outcome of the read", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ status: 502, body: "Bad Gateway" }));
    const receipt = { marketplace: "N11" as const, batchId: "1", submittedAt: new Date().toISOString(), itemCount: 1, barcodes: ["A"] };
    const error = (await thrownBy(() => adapter.batchStatus(receipt))) as MarketplaceOutcomeUnknown;
    expect([error.failure, error.httpStatus]).toEqual(["SERVER_ERROR", 502]);
  });

  test("an onCall hook that throws does not break the call", async () => {
    const target = await n11Sandbox();
    const adapter = createN11Adapter({
      baseUrl: target.url,
      appKey: "n11-app-key-5",
      appSecret: "n11-app-secret-5",
      onCall: () => {
        throw new Error("log down");
      },
    });
    expect(await adapter.pushStockAndPrice([{ barcode: "H", quantity: 1 }])).toHaveLength(1);
  });
});
