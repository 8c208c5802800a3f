import { describe, expect, test } from "bun:test";
import { createMarketplaceAdapter } from "../../src/domains/marketplace/adapters";
import { MarketplaceDuplicateRequest } from "../../src/domains/marketplace/errors";
import { createPttavmAdapter } from "../../src/domains/marketplace/pttavm/adapter";
import { AppError } from "../../src/infra/errors";
import { PTT_ACCOUNT, pttAdapterFor, pttItems, pttSandbox, shownBy } from "./pttavm-support";
import { cannedFetch, pollUntilComplete, thrownBy } from "./fakes";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function barcodesOf(body: string | undefined): string[] {
  return (JSON.parse(body ?? "{}") as { items: { barcode: string }[] }).items.map((item) => item.barcode);
}

describe("PttAVM adapter: the stock-prices request", () => {
  test("posts to /api/v1/products/stock-prices with Api-Key, access-token and a fresh UUID X-Correlation-Id each time", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "A1", quantity: 2 }]);
    await adapter.pushStockAndPrice([{ barcode: "A1", quantity: 3 }]);
    expect(sent.map((s) => [s.method, s.url.pathname])).toEqual([
      ["POST", "/api/v1/products/stock-prices"],
      ["POST", "/api/v1/products/stock-prices"],
    ]);
    for (const request of sent) {
      expect(request.headers.get("Api-Key")).toBe(PTT_ACCOUNT.key);
      expect(request.headers.get("access-token")).toBe(PTT_ACCOUNT.secret);
      expect(request.headers.get("content-type")).toBe("application/json");
      expect(request.headers.get("X-Correlation-Id") ?? "").toMatch(UUID);
    }
    expect(sent[0]?.headers.get("X-Correlation-Id")).not.toBe(sent[1]?.headers.get("X-Correlation-Id") ?? "");
    expect(target.state.requests().map((r) => [r.marketplace, r.endpoint, r.status, r.sellerId])).toEqual([
      ["PTTAVM", "stock-prices", 200, PTT_ACCOUNT.account],
      ["PTTAVM", "stock-prices", 200, PTT_ACCOUNT.account],
    ]);
  });

  test("quantity and price go in one item: the sale price as priceWithVAT, priceWithoutVAT at 20% VAT, discount 0, no list price", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "P2", salePrice: 101, listPrice: 10_000 }, { barcode: "P1", quantity: 1, salePrice: 11285, listPrice: 11300 }]);
    expect(sent[0]?.body).toBe(
      '{"items":[{"barcode":"P1","quantity":1,"priceWithVAT":112.85,"priceWithoutVAT":94.04,"vatRate":20,"discount":0},{"barcode":"P2","priceWithVAT":1.01,"priceWithoutVAT":0.84,"vatRate":20,"discount":0}]}',
    );
    expect(adapter.profile.stockAndPriceTogether).toBe(true);
  });

  test("the VAT rate is a setting (0, 1, 10 or 20), read from the store's settings too", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target, { vatRate: 10 });
    await adapter.pushStockAndPrice([{ barcode: "N1", quantity: 4, salePrice: 1100 }]);
    expect(sent[0]?.body).toBe('{"items":[{"barcode":"N1","quantity":4,"priceWithVAT":11.00,"priceWithoutVAT":10.00,"vatRate":10,"discount":0}]}');
    const fromStore = createMarketplaceAdapter({ type: "PTTAVM", sellerId: null, baseUrl: target.url, credentials: { apiKey: PTT_ACCOUNT.key, accessToken: PTT_ACCOUNT.secret, vatRate: "1" } });
    const [receipt] = await fromStore.pushStockAndPrice([{ barcode: "N2", salePrice: 10_100 }]);
    if (!receipt) throw new Error("no receipt");
    expect((await pollUntilComplete(fromStore, receipt)).items.map((i) => i.outcome)).toEqual(["SUCCEEDED"]);
    expect((await shownBy(target)).prices).toEqual({ N1: { priceWithVAT: 11, vatRate: 10, discount: 0 }, N2: { priceWithVAT: 101, vatRate: 1, discount: 0 } });
    for (const vatRate of ["18", "x"]) {
      const error = await thrownBy(async () => createMarketplaceAdapter({ type: "PTTAVM", sellerId: null, baseUrl: null, credentials: { apiKey: "k", accessToken: "t", vatRate } }));
      expect((error as AppError).code).toBe("MARKETPLACE_CONFIG_INVALID");
    }
  });

  test("2500 items go out as 3 requests of at most 1000, in barcode order", async () => {
    const target = await pttSandbox();
    const { adapter, sent, calls } = pttAdapterFor(target);
    const items = pttItems(2500).reverse();
    const receipts = await adapter.pushStockAndPrice(items);
    expect(receipts.map((r) => r.itemCount)).toEqual([1000, 1000, 500]);
    const order = sent.flatMap((s) => barcodesOf(s.body));
    expect(order).toEqual(items.map((i) => i.barcode).sort());
    expect(receipts.flatMap((r) => r.barcodes)).toEqual(order);
    expect(calls.map((c) => [c.callType, c.httpStatus, c.itemCount])).toEqual([
      ["STOCK_UPDATE", 200, 1000],
      ["STOCK_UPDATE", 200, 1000],
      ["STOCK_UPDATE", 200, 500],
    ]);
    expect(calls.map((c) => c.batchId)).toEqual(receipts.map((r) => r.batchId));
  });

  test("a price-only push is reported as PRICE_UPDATE", async () => {
    const target = await pttSandbox();
    const { adapter, calls } = pttAdapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "PO", salePrice: 999 }]);
    expect(calls.map((c) => c.callType)).toEqual(["PRICE_UPDATE"]);
  });

  test("the same items in another order give byte-identical bodies, which the 5-minute rule refuses", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const items = [{ barcode: "B2", quantity: 3, salePrice: 100, listPrice: 200 }, { barcode: "A1", quantity: 7 }];
    await adapter.pushStockAndPrice(items);
    const error = await thrownBy(() => adapter.pushStockAndPrice([...items].reverse()));
    expect(error).toBeInstanceOf(MarketplaceDuplicateRequest);
    expect(sent[0]?.body).toBe(sent[1]?.body ?? "");
  });

  test("quantities are clamped to 0..9999 and the marketplace shows the clamped values", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "BIG", quantity: 75_000 }, { barcode: "NEG", quantity: -4 }]);
    if (!receipt) throw new Error("no receipt");
    expect(sent[0]?.body).toBe('{"items":[{"barcode":"BIG","quantity":9999},{"barcode":"NEG","quantity":0}]}');
    expect((await pollUntilComplete(adapter, receipt)).items.map((i) => i.outcome)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect((await shownBy(target)).quantities).toEqual({ BIG: 9999, NEG: 0 });
  });

  test("maxQuantity is a setting", () => {
    const adapter = createPttavmAdapter({ baseUrl: "http://127.0.0.1:1/api/v1", apiKey: "k", accessToken: "t", maxQuantity: 500 });
    expect(adapter.validate([{ barcode: "Q", quantity: 800 }]).valid).toEqual([{ barcode: "Q", quantity: 500 }]);
    expect(adapter.profile.maxQuantity).toBe(500);
  });

  test("items refused locally are reported FAILED_PERMANENT and never sent", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const items = [
      { barcode: "OK1", quantity: 2 },
      { barcode: "LOW", quantity: 2, salePrice: 2000, listPrice: 1999 },
      { barcode: "FRAC", quantity: 1.5 },
      { barcode: "NONE" },
      { barcode: "LIST", listPrice: 5000 },
      { barcode: "ONE", quantity: 1, salePrice: 100 },
    ];
    const { valid, rejected } = adapter.validate(items);
    expect(valid.map((i) => i.barcode)).toEqual(["OK1"]);
    expect(rejected).toEqual([
      { barcode: "LOW", outcome: "FAILED_PERMANENT", reasons: ["LIST_PRICE_BELOW_SALE_PRICE"] },
      { barcode: "FRAC", outcome: "FAILED_PERMANENT", reasons: ["INVALID_QUANTITY"] },
      { barcode: "NONE", outcome: "FAILED_PERMANENT", reasons: ["NOTHING_TO_UPDATE"] },
      { barcode: "LIST", outcome: "FAILED_PERMANENT", reasons: ["NOTHING_TO_UPDATE"] },
      { barcode: "ONE", outcome: "FAILED_PERMANENT", reasons: ["PRICE_NOT_ABOVE_ONE_TRY"] },
    ]);
    await adapter.pushStockAndPrice(items);
    expect(sent.flatMap((s) => barcodesOf(s.body))).toEqual(["OK1"]);
  });

  test("a push with nothing valid sends no request", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    expect(await adapter.pushStockAndPrice([{ barcode: "Y" }])).toEqual([]);
    expect(sent).toEqual([]);
  });

  test("the profile carries the documented defaults and the assumed ones", () => {
    const { profile } = createPttavmAdapter({ baseUrl: "https://integration-api.pttavm.com/api/v1", apiKey: "k", accessToken: "t", fetch: cannedFetch({ status: 200, body: {} }) });
    expect(profile).toMatchObject({ batchSize: 1000, maxQuantity: 9999, duplicateWindowMs: 300_000, stockAndPriceTogether: true, resultRetentionMs: 3_600_000 });
    expect(profile.groups).toEqual({ write: "stock-prices", status: "tracking-result", orders: "orders", listings: "products-search" });
    expect(profile.rateLimits.map((r) => r.group).sort()).toEqual(["order-commands", "orders", "products-search", "stock-prices", "tracking-result"]);
  });
});

describe("PttAVM adapter: from store settings", () => {
  const store = { type: "PTTAVM", sellerId: "77", credentials: { apiKey: PTT_ACCOUNT.key, accessToken: PTT_ACCOUNT.secret } };

  test("a store pointing at the sandbox host reaches its /api/v1 endpoints", async () => {
    const target = await pttSandbox();
    const adapter = createMarketplaceAdapter({ ...store, baseUrl: target.url });
    expect(adapter.marketplace).toBe("PTTAVM");
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "S1", quantity: 6 }]);
    if (!receipt) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, receipt)).complete).toBe(true);
    expect((await shownBy(target)).quantities).toEqual({ S1: 6 });
  });

  test("without a base URL the production REST base is used", async () => {
    const urls: string[] = [];
    const fetchSpy = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ success: true, trackingId: "t-1", countOfProductsToBeProcessed: 1 }));
    }) as unknown as typeof fetch;
    const adapter = createMarketplaceAdapter({ ...store, baseUrl: null, fetch: fetchSpy });
    await adapter.pushStockAndPrice([{ barcode: "S1", quantity: 6 }]);
    expect(urls).toEqual(["https://integration-api.pttavm.com/api/v1/products/stock-prices"]);
  });

  test("missing credentials are named in one 422", () => {
    const error = (() => {
      try {
        createMarketplaceAdapter({ ...store, baseUrl: null, credentials: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("MARKETPLACE_SETTINGS_MISSING");
    expect((error as AppError).details).toEqual({ missing: ["credentials.apiKey", "credentials.accessToken"] });
  });
});
