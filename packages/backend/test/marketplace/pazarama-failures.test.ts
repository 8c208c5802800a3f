import { describe, expect, test } from "bun:test";
import { MarketplaceError, MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused, PazaramaTokenUnavailable } from "../../src/domains/marketplace/errors";
import { fakePazarama, json, pzAdapterFor, pzSandbox, revokeTokens, tokenAnswer } from "./pazarama-support";
import { NOWHERE, thrownBy } from "./fakes";

const ok = (data = "0b6e4ad2-4f7e-4a55-9a8b-2a1b1c7d9e01") => json(200, { data, success: true, messageCode: null, message: "sıraya alındı" });

describe("Pazarama adapter: the token", () => {
  test("bad client credentials: REFUSED as MARKETPLACE_AUTH_FAILED, nothing else sent", async () => {
    const target = await pzSandbox();
    const { adapter, sent } = pzAdapterFor(target, { clientSecret: "wrong" });
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect((error as MarketplaceRefused).code).toBe("MARKETPLACE_AUTH_FAILED");
    expect((error as MarketplaceRefused).fate).toBe("REFUSED");
    expect((error as MarketplaceRefused).httpStatus).toBe(401);
    expect((error as MarketplaceError).progress).toEqual({ submitted: [], inDoubt: [], unsent: ["A"] });
    expect(sent.map((s) => s.url.pathname)).toEqual(["/connect/token"]);
  });

  test("a token endpoint 5xx, timeout or answer without a token (neither data.accessToken nor access_token): REFUSED, the write was never sent", async () => {
    const cases: typeof fetch[] = [
      fakePazarama(() => ok(), () => json(503, "down")),
      fakePazarama(() => ok(), () => json(200, { success: true, data: { expiresIn: 3600 } })),
      ((_: unknown, init?: RequestInit) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)))) as unknown as typeof fetch,
    ];
    for (const next of cases) {
      const { adapter, calls } = pzAdapterFor(NOWHERE, { timeoutMs: 50 }, next);
      const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
      expect(error).toBeInstanceOf(PazaramaTokenUnavailable);
      expect((error as MarketplaceError).fate).toBe("REFUSED");
      expect((error as MarketplaceError).progress?.unsent).toEqual(["A"]);
      expect(calls.map((c) => [c.callType, c.error])).toEqual([["OTHER", "MARKETPLACE_TOKEN_UNAVAILABLE"]]);
    }
  });

  test("the token is cached until shortly before expiry, then fetched anew", async () => {
    let clock = 1_000_000;
    let issued = 0;
    const authorisations: string[] = [];
    const next = fakePazarama(
      (_url, init) => {
        authorisations.push(new Headers(init?.headers).get("authorization") ?? "");
        return ok();
      },
      () => tokenAnswer(`tok-${++issued}`, 3600),
    );
    const { adapter } = pzAdapterFor(NOWHERE, { now: () => clock, writeSpacingMs: 1 }, next);
    await adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]);
    clock += 3_500_000;
    await adapter.pushStockAndPrice([{ barcode: "A", quantity: 2 }]);
    clock += 50_000;
    await adapter.pushStockAndPrice([{ barcode: "A", quantity: 3 }]);
    expect(authorisations).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
  });

  test("a 401 with a cached token: refreshed once and the request sent once more", async () => {
    const target = await pzSandbox();
    const { adapter, sent, calls } = pzAdapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]);
    expect(revokeTokens(target)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "A", quantity: 2 }]);
    expect(receipt?.batchId).toMatch(/^STOCK:/);
    expect(sent.map((s) => s.url.pathname)).toEqual(["/connect/token", "/product/updateStock-v2", "/product/updateStock-v2", "/connect/token", "/product/updateStock-v2"]);
    expect(calls.slice(2).map((c) => [c.callType, c.httpStatus, c.error])).toEqual([
      ["STOCK_UPDATE", 401, "MARKETPLACE_TOKEN_REJECTED"],
      ["OTHER", 200, undefined],
      ["STOCK_UPDATE", 200, undefined],
    ]);
  });

  test("a second 401 after the refresh is final: MARKETPLACE_AUTH_FAILED, REFUSED", async () => {
    let tokens = 0;
    const next = fakePazarama(() => json(401, { success: false, message: "Unauthorized" }), () => tokenAnswer(`t${++tokens}`));
    const { adapter, sent } = pzAdapterFor(NOWHERE, {}, next);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect((error as MarketplaceRefused).code).toBe("MARKETPLACE_AUTH_FAILED");
    expect((error as MarketplaceError).fate).toBe("REFUSED");
    expect(sent.map((s) => s.headers.get("authorization"))).toEqual([expect.stringMatching(/^Basic /), "Bearer t1", expect.stringMatching(/^Basic /), "Bearer t2"]);
  });
});

describe("Pazarama adapter: write answers and failures", () => {
  test("HTTP 200 with success:false is a refusal, not an acceptance", async () => {
    const next = fakePazarama(() => json(200, { data: null, success: false, messageCode: "PRD001", message: "Geçersiz istek", userMessage: "Ürün listesi geçersiz" }));
    const { adapter } = pzAdapterFor(NOWHERE, {}, next);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect((error as MarketplaceRefused).httpStatus).toBe(200);
    expect((error as MarketplaceRefused).reasons).toEqual(["Ürün listesi geçersiz", "Geçersiz istek"]);
  });

  test("a spacing refusal that comes as HTTP 200 success:false is read as rate limited", async () => {
    const next = fakePazarama(() => json(200, { data: null, success: false, message: "Lütfen 10 saniye bekleyiniz" }));
    const { adapter } = pzAdapterFor(NOWHERE, { writeSpacingMs: 10_000 }, next);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).toBeInstanceOf(MarketplaceRateLimited);
    expect((error as MarketplaceRateLimited).retryAfterMs).toBe(10_000);
  });

  test("a write within 10 s of the last (real scale): 429 with Retry-After, REFUSED", async () => {
    const target = await pzSandbox({ timeScale: 1 });
    await pzAdapterFor(target).adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]);
    const error = await thrownBy(() => pzAdapterFor(target).adapter.pushStockAndPrice([{ barcode: "B", salePrice: 100 }]));
    expect(error).toBeInstanceOf(MarketplaceRateLimited);
    expect((error as MarketplaceRateLimited).retryAfterMs).toBeGreaterThan(0);
    expect((error as MarketplaceRateLimited).retryAfterMs).toBeLessThanOrEqual(10_000);
    expect((error as MarketplaceError).progress).toEqual({ submitted: [], inDoubt: [], unsent: ["B"] });
  });

  test("5xx, timeouts and dropped connections on a write: UNKNOWN with the batch in doubt", async () => {
    const cases: [typeof fetch, MarketplaceOutcomeUnknown["failure"]][] = [
      [fakePazarama(() => json(502, "Bad gateway")), "SERVER_ERROR"],
      [fakePazarama((_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)))), "TIMEOUT"],
      [fakePazarama(() => Promise.reject(new TypeError("socket hang up"))), "CONNECTION"],
      [fakePazarama(() => json(200, { success: true })), "UNREADABLE_ANSWER"],
      [fakePazarama(() => json(200, "<html>")), "UNREADABLE_ANSWER"],
    ];
    for (const [next, failure] of cases) {
      const { adapter } = pzAdapterFor(NOWHERE, { timeoutMs: 50 }, next);
      const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
      expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
      expect((error as MarketplaceOutcomeUnknown).failure).toBe(failure);
      expect((error as MarketplaceError).progress).toEqual({ submitted: [], inDoubt: ["A"], unsent: [] });
    }
  });

  test("403 and 404 are permanent refusals; 429 carries Retry-After", async () => {
    const answers: [number, string][] = [[403, "MARKETPLACE_AUTH_FAILED"], [404, "MARKETPLACE_NOT_FOUND"], [400, "MARKETPLACE_REFUSED"]];
    for (const [status, code] of answers) {
      const { adapter } = pzAdapterFor(NOWHERE, {}, fakePazarama(() => json(status, { success: false, message: "no" })));
      const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
      expect((error as MarketplaceRefused).code).toBe(code);
      expect((error as MarketplaceRefused).permanent).toBe(true);
    }
    const { adapter } = pzAdapterFor(NOWHERE, {}, fakePazarama(() => json(429, { success: false }, { "retry-after": "7" })));
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect((error as MarketplaceRateLimited).retryAfterMs).toBe(7000);
  });

  test("a failure mid-push keeps the accepted batches in progress.submitted", async () => {
    let writes = 0;
    const next = fakePazarama(() => (++writes === 1 ? ok() : json(503, "down")));
    const { adapter } = pzAdapterFor(NOWHERE, { writeSpacingMs: 1 }, next);
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1, salePrice: 500 }, { barcode: "B", salePrice: 700 }]));
    const progress = (error as MarketplaceError).progress;
    expect(progress?.submitted.map((r) => [r.batchId.split(":")[0], r.barcodes])).toEqual([["STOCK", ["A"]]]);
    expect(progress?.inDoubt).toEqual(["A", "B"]);
    expect(progress?.unsent).toEqual([]);
  });
});
