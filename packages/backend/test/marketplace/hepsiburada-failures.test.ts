import { describe, expect, test } from "bun:test";
import { MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { closedPort } from "../support/net";
import { hbAdapterFor, hbItems, hbSandbox } from "./hepsiburada-support";
import { cannedFetch, NOWHERE, thrownBy } from "./fakes";

describe("Hepsiburada adapter: errors and their fates", () => {
  test("wrong service key: 401 is a permanent refusal (MARKETPLACE_AUTH_FAILED), reported once", async () => {
    const target = await hbSandbox();
    const { adapter, calls } = hbAdapterFor(target, { serviceKey: "wrong" });
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect(error).toMatchObject({ code: "MARKETPLACE_AUTH_FAILED", fate: "REFUSED", permanent: true, httpStatus: 401, progress: { submitted: [], inDoubt: [], unsent: ["A"] } });
    expect(calls).toEqual([expect.objectContaining({ callType: "STOCK_UPDATE", httpStatus: 401, error: "MARKETPLACE_AUTH_FAILED" })]);
  });

  test("a User-Agent that is not the account's developer username is refused by the sandbox (401)", async () => {
    const target = await hbSandbox();
    const { adapter } = hbAdapterFor(target, { developerUsername: "someone_else" });
    expect(await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]))).toMatchObject({ code: "MARKETPLACE_AUTH_FAILED", httpStatus: 401 });
  });

  test("a 403 from the listing host is a permission or User-Agent problem for the operator (permanent auth failure), not a limit retried forever", async () => {
    const { adapter, calls } = hbAdapterFor(NOWHERE, {}, cannedFetch({ status: 403, body: { title: "Forbidden" } }));
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).not.toBeInstanceOf(MarketplaceRateLimited);
    expect(error).toMatchObject({ code: "MARKETPLACE_AUTH_FAILED", permanent: true, httpStatus: 403 });
    expect(calls[0]).toMatchObject({ httpStatus: 403, error: "MARKETPLACE_AUTH_FAILED" });
  });

  test("the listing host's documented limit answer, 429, is a rate limit", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ status: 429, body: { title: "Too Many Requests" } }));
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).toBeInstanceOf(MarketplaceRateLimited);
    expect(error).toMatchObject({ fate: "REFUSED", progress: { unsent: ["A"], inDoubt: [] } });
  });

  test("a 403 from the order API is an auth refusal, not a limit", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ status: 403, body: { title: "Forbidden" } }));
    const error = await thrownBy(() => adapter.pullOrders?.({ since: new Date(0), until: new Date(60_000) }) ?? Promise.resolve());
    expect(error).toMatchObject({ code: "MARKETPLACE_AUTH_FAILED", permanent: true });
  });

  test("429 honours X-RateLimit-Reset (seconds)", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ status: 429, body: { title: "Too Many Requests" }, headers: { "X-RateLimit-Reset": "3", "X-RateLimit-Remaining": "0" } }));
    const error = await thrownBy(() => adapter.pullOrders?.({ since: new Date(0), until: new Date(60_000) }) ?? Promise.resolve());
    expect(error).toBeInstanceOf(MarketplaceRateLimited);
    expect(error).toMatchObject({ retryAfterMs: 3000 });
  });

  test("a 400 is a permanent refusal carrying Hepsiburada's reasons", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ status: 400, body: { title: "Bad Request", errors: ["at most 4000 SKUs per upload"] } }));
    expect(await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]))).toMatchObject({ code: "MARKETPLACE_REFUSED", reasons: ["at most 4000 SKUs per upload"], permanent: true });
  });

  test("a 5xx mid-push: earlier uploads are kept as submitted, the failing one in doubt, the rest unsent", async () => {
    const fetch = cannedFetch({ body: { id: "s1" } }, { status: 502, body: "bad gateway" });
    const { adapter, calls } = hbAdapterFor(NOWHERE, { batchSize: 1 }, fetch);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }, { barcode: "B", quantity: 2, salePrice: 500 }]));
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect(error).toMatchObject({
      failure: "SERVER_ERROR",
      fate: "UNKNOWN",
      progress: { submitted: [expect.objectContaining({ batchId: "stock:s1", barcodes: ["A"] })], inDoubt: ["B"], unsent: ["B"] },
    });
    expect(calls.map((c) => c.httpStatus)).toEqual([200, 502]);
  });

  test("the sandbox's injected 503s are unknown outcomes", async () => {
    const target = await hbSandbox({ faults: { status5xxRate: 1 } });
    const { adapter } = hbAdapterFor(target);
    expect(await thrownBy(() => adapter.pushStockAndPrice(hbItems(2)))).toMatchObject({ fate: "UNKNOWN", failure: "SERVER_ERROR", httpStatus: 503 });
  });

  test("a dropped connection after processing is an unknown outcome, and the upload did happen", async () => {
    const target = await hbSandbox({ faults: { dropRate: 1 } });
    const { adapter, calls } = hbAdapterFor(target);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "DROP", quantity: 4 }]));
    expect(error).toMatchObject({ fate: "UNKNOWN", failure: "CONNECTION", progress: { inDoubt: ["DROP"] } });
    expect(calls[0]).toMatchObject({ httpStatus: null, error: "MARKETPLACE_OUTCOME_UNKNOWN" });
    expect(target.state.requests().filter((r) => r.marketplace === "HEPSIBURADA" && r.endpoint === "stock-uploads")).toHaveLength(1);
  });

  test("a deadline passed is a TIMEOUT outcome", async () => {
    const target = await hbSandbox({ faults: { latencyMs: 300 } });
    const { adapter } = hbAdapterFor(target, { timeoutMs: 50 });
    expect(await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "SLOW", quantity: 1 }]))).toMatchObject({ fate: "UNKNOWN", failure: "TIMEOUT", httpStatus: null });
  });

  test("nothing listening is a CONNECTION outcome", async () => {
    const { adapter } = hbAdapterFor({ url: `http://127.0.0.1:${await closedPort()}` });
    expect(await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]))).toMatchObject({ fate: "UNKNOWN", failure: "CONNECTION" });
  });

  test("a hook that throws does not break the call", async () => {
    const target = await hbSandbox();
    const { adapter } = hbAdapterFor(target, {
      onCall: () => {
        throw new Error("observer broke");
      },
    });
    expect(await adapter.pushStockAndPrice([{ barcode: "HOOK", quantity: 1 }])).toHaveLength(1);
  });
});
