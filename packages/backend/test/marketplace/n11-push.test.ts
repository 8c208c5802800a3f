import { describe, expect, test } from "bun:test";
import { createMarketplaceAdapter } from "../../src/domains/marketplace/adapters";
import { MarketplaceOutcomeUnknown, MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { createN11Adapter } from "../../src/domains/marketplace/n11/adapter";
import { AppError } from "../../src/infra/errors";
import { N11_ACCOUNT, n11AdapterFor, n11Items, n11Sandbox, priceStockPath, shownBy, skusOf } from "./n11-support";
import { cannedFetch, NOWHERE, recordingFetch, type SentRequest, thrownBy } from "./fakes";

const queued = (id: number) => ({ body: { id, type: "SKU_UPDATE", status: "IN_QUEUE", reasons: [] } });

describe("N11 adapter: the price-stock-update request", () => {
  test("posts to /ms/product/tasks/price-stock-update with the appkey and appsecret headers", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "A1", quantity: 2 }]);
    expect(sent.map((s) => [s.method, s.url.pathname])).toEqual([["POST", priceStockPath]]);
    expect(sent[0]?.headers.get("appkey")).toBe(N11_ACCOUNT.key);
    expect(sent[0]?.headers.get("appsecret")).toBe(N11_ACCOUNT.secret);
    expect(sent[0]?.headers.get("content-type")).toBe("application/json");
    expect(sent[0]?.headers.get("authorization")).toBeNull();
    expect(receipt?.batchId).toMatch(/^\d+$/);
    expect(target.state.requests().map((r) => [r.marketplace, r.endpoint, r.status, r.sellerId, r.batchRequestId])).toEqual([
      ["N11", "price-stock-update", 200, N11_ACCOUNT.account, receipt?.batchId],
    ]);
  });

  test("a sku carries what changes: quantity alone, or both prices as two-decimal strings with currencyType TL", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target);
    await adapter.pushStockAndPrice([
      { barcode: "P3", quantity: 7, salePrice: 11285, listPrice: 11300 },
      { barcode: "P2", salePrice: 5, listPrice: 100 },
      { barcode: "P1", quantity: 1 },
    ]);
    expect(sent[0]?.body).toBe(
      '{"payload":{"integrator":"Pazarsync","skus":[{"stockCode":"P1","quantity":1},' +
        '{"stockCode":"P2","listPrice":"1.00","salePrice":"0.05","currencyType":"TL"},' +
        '{"stockCode":"P3","listPrice":"113.00","salePrice":"112.85","quantity":7,"currencyType":"TL"}]}}',
    );
    expect(await shownBy(target)).toEqual({
      quantities: { P1: 1, P3: 7 },
      prices: { P2: { listPrice: 1, salePrice: 0.05 }, P3: { listPrice: 113, salePrice: 112.85 } },
    });
  });

  test("the integrator name is a setting", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target, { integrator: "Magaza Yazilim" });
    await adapter.pushStockAndPrice([{ barcode: "I1", quantity: 1 }]);
    expect(JSON.parse(sent[0]?.body ?? "{}").payload.integrator).toBe("Magaza Yazilim");
  });

  test("2500 items go out as 3 requests of at most 1000 skus, in barcode order, one receipt each", async () => {
    const target = await n11Sandbox();
    const { adapter, sent, calls } = n11AdapterFor(target);
    const items = n11Items(2500).reverse();
    expect(adapter.requestsFor?.(items)).toBe(3);
    const receipts = await adapter.pushStockAndPrice(items);
    expect(receipts.map((r) => r.itemCount)).toEqual([1000, 1000, 500]);
    const order = sent.flatMap((s) => skusOf(s.body).map((sku) => sku.stockCode));
    expect(order).toEqual(items.map((i) => i.barcode).sort());
    expect(receipts.flatMap((r) => r.barcodes)).toEqual(order);
    expect(new Set(receipts.map((r) => r.batchId)).size).toBe(3);
    expect(calls.map((c) => [c.callType, c.httpStatus, c.itemCount, c.batchId])).toEqual(receipts.map((r) => ["STOCK_UPDATE", 200, r.itemCount, r.batchId]));
  });

  test("a price-only push is reported as PRICE_UPDATE", async () => {
    const target = await n11Sandbox();
    const { adapter, calls } = n11AdapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "PR", salePrice: 1000, listPrice: 1000 }]);
    expect(calls.map((c) => c.callType)).toEqual(["PRICE_UPDATE"]);
  });

  test("identical state gives an identical body whatever the input order", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target);
    const items = [{ barcode: "B", quantity: 2, salePrice: 500, listPrice: 600 }, { barcode: "A", quantity: 1 }, { barcode: "C", quantity: 3 }];
    await adapter.pushStockAndPrice(items);
    await adapter.pushStockAndPrice([...items].reverse());
    expect(sent[0]?.body).toBe(sent[1]?.body ?? "");
  });
});

describe("N11 adapter: local validation", () => {
  test("items N11 would REJECT the whole request for are refused locally and never sent", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target);
    const items = [
      { barcode: "OK", quantity: 3 },
      { barcode: "SALE-ONLY", salePrice: 1000 },
      { barcode: "LIST-ONLY", quantity: 1, listPrice: 1000 },
      { barcode: "LOW-LIST", salePrice: 1000, listPrice: 900 },
      { barcode: "ZERO", salePrice: 0, listPrice: 100 },
      { barcode: "FRACTION", quantity: 1.5 },
      { barcode: "EMPTY" },
      { barcode: " PADDED", quantity: 1 },
      { barcode: "TWICE", quantity: 1 },
      { barcode: "TWICE", quantity: 2 },
    ];
    const { valid, rejected } = adapter.validate(items);
    expect(valid).toEqual([{ barcode: "OK", quantity: 3 }]);
    expect(rejected.map((r) => [r.barcode, r.outcome, r.reasons])).toEqual([
      ["SALE-ONLY", "FAILED_PERMANENT", ["LIST_AND_SALE_PRICE_REQUIRED_TOGETHER"]],
      ["LIST-ONLY", "FAILED_PERMANENT", ["LIST_AND_SALE_PRICE_REQUIRED_TOGETHER"]],
      ["LOW-LIST", "FAILED_PERMANENT", ["LIST_PRICE_BELOW_SALE_PRICE"]],
      ["ZERO", "FAILED_PERMANENT", ["INVALID_PRICE"]],
      ["FRACTION", "FAILED_PERMANENT", ["INVALID_QUANTITY"]],
      ["EMPTY", "FAILED_PERMANENT", ["NOTHING_TO_UPDATE"]],
      [" PADDED", "FAILED_PERMANENT", ["INVALID_BARCODE"]],
      ["TWICE", "FAILED_PERMANENT", ["DUPLICATE_BARCODE"]],
      ["TWICE", "FAILED_PERMANENT", ["DUPLICATE_BARCODE"]],
    ]);
    await adapter.pushStockAndPrice(items);
    expect(sent.flatMap((s) => skusOf(s.body).map((sku) => sku.stockCode))).toEqual(["OK"]);
  });

  test("quantities are clamped to [0, maxQuantity], and the cap is a setting", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target, { maxQuantity: 500 });
    expect(adapter.profile.maxQuantity).toBe(500);
    await adapter.pushStockAndPrice([{ barcode: "BIG", quantity: 9000 }, { barcode: "NEG", quantity: -4 }]);
    expect(skusOf(sent[0]?.body)).toEqual([{ stockCode: "BIG", quantity: 500 }, { stockCode: "NEG", quantity: 0 }]);
  });

  test("nothing valid means no request at all", async () => {
    const sent: SentRequest[] = [];
    const adapter = createN11Adapter({ baseUrl: NOWHERE.url, appKey: "k", appSecret: "s", fetch: recordingFetch(sent, cannedFetch(queued(1))) });
    expect(await adapter.pushStockAndPrice([{ barcode: "X", salePrice: 100 }])).toEqual([]);
    expect(adapter.requestsFor?.([{ barcode: "X", salePrice: 100 }])).toBe(0);
    expect(sent).toHaveLength(0);
  });
});

describe("N11 adapter: REJECT with HTTP 200", () => {
  test("is a refusal of the whole request: permanent, REFUSED, its barcodes unsent, the call logged as failed", async () => {
    const reasons = ["payload.skus[0].salePrice iki ondalık basamaklı olmalıdır"];
    const { adapter, calls } = n11AdapterFor(NOWHERE, {}, cannedFetch({ body: { id: null, type: "SKU_UPDATE", status: "REJECT", reasons } }));
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "R2", quantity: 1 }, { barcode: "R1", quantity: 1 }]))) as MarketplaceRefused;
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect(error.fate).toBe("REFUSED");
    expect(error.permanent).toBe(true);
    expect(error.code).toBe("MARKETPLACE_REJECTED");
    expect(error.httpStatus).toBe(200);
    expect(error.reasons).toEqual(reasons);
    expect(error.progress).toEqual({ submitted: [], inDoubt: [], unsent: ["R1", "R2"] });
    expect(calls.map((c) => [c.callType, c.httpStatus, c.error])).toEqual([["STOCK_UPDATE", 200, "MARKETPLACE_REJECTED"]]);
  });

  test("a REJECT of the second batch keeps the first batch's receipt", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch(queued(41), { body: { status: "REJECT", reasons: ["hata"] } }));
    const items = n11Items(1500);
    const error = (await thrownBy(() => adapter.pushStockAndPrice(items))) as MarketplaceRefused;
    expect(error.progress?.submitted.map((r) => [r.batchId, r.itemCount])).toEqual([["41", 1000]]);
    expect(error.progress?.unsent).toEqual(items.slice(1000).map((i) => i.barcode));
  });

  test("a queued answer without a task id is an unknown outcome", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ body: { type: "SKU_UPDATE", status: "IN_QUEUE" } }));
    const error = (await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "U", quantity: 1 }]))) as MarketplaceOutcomeUnknown;
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect(error.failure).toBe("UNREADABLE_ANSWER");
    expect(error.progress?.inDoubt).toEqual(["U"]);
  });
});

describe("N11 adapter: store settings and profile", () => {
  test("an N11 store needs credentials.appKey and credentials.appSecret", () => {
    const error = (() => {
      try {
        createMarketplaceAdapter({ type: "N11", sellerId: "5", baseUrl: null, credentials: { appKey: "k" } });
      } catch (e) {
        return e;
      }
    })() as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("MARKETPLACE_SETTINGS_MISSING");
    expect(error.details).toEqual({ missing: ["credentials.appSecret"] });
  });

  test("without a base URL the store speaks to https://api.n11.com, with its integrator credential", async () => {
    const sent: SentRequest[] = [];
    const adapter = createMarketplaceAdapter({
      type: "N11",
      sellerId: "5",
      baseUrl: null,
      credentials: { appKey: "k", appSecret: "s", integrator: "Entegra" },
      fetch: recordingFetch(sent, cannedFetch(queued(9))),
    });
    expect(adapter.marketplace).toBe("N11");
    await adapter.pushStockAndPrice([{ barcode: "H", quantity: 1 }]);
    expect(sent[0]?.url.toString()).toBe(`https://api.n11.com${priceStockPath}`);
    expect(JSON.parse(sent[0]?.body ?? "{}").payload.integrator).toBe("Entegra");
  });

  test("a store pointed at the sandbox reaches it", async () => {
    const target = await n11Sandbox();
    const adapter = createMarketplaceAdapter({ type: "N11", sellerId: "5", baseUrl: target.url, credentials: { appKey: N11_ACCOUNT.key, appSecret: N11_ACCOUNT.secret } });
    expect(await adapter.pushStockAndPrice([{ barcode: "S", quantity: 4 }])).toHaveLength(1);
    expect((await shownBy(target)).quantities).toEqual({ S: 4 });
  });

  test("unusable settings are refused with MARKETPLACE_CONFIG_INVALID", () => {
    for (const bad of [{ batchSize: 2000 }, { orderPageSize: 101 }, { baseUrl: "ftp://x" }, { orderStatuses: ["Created,Cancelled"] }, { timeoutMs: 0 }]) {
      expect(() => createN11Adapter({ appKey: "k", appSecret: "s", ...bad })).toThrow(expect.objectContaining({ code: "MARKETPLACE_CONFIG_INVALID" }));
    }
  });

  test("the profile: 1000 skus, stock and price together, groups with their quotas (orders official, others settings)", () => {
    const adapter = createN11Adapter({ appKey: "k", appSecret: "s", writeRequestsPerMinute: 40 });
    expect(adapter.profile).toEqual({
      batchSize: 1000,
      maxQuantity: 999_999,
      resultRetentionMs: 3_600_000,
      groups: { write: "price-stock-update", status: "task-details", orders: "shipment-packages", listings: "product-query" },
      stockAndPriceTogether: true,
      // 14 days asked: N11 serves at most 15 and answers a wider range with its last 15 only.
      orderStream: { windowMs: 14 * 24 * 3_600_000, pageOrder: "UNDOCUMENTED", minOverlapMs: 3 * 3_600_000 },
      rateLimits: [
        { group: "price-stock-update", requests: 40, perMs: 60_000 },
        { group: "task-details", requests: 300, perMs: 60_000 },
        { group: "shipment-packages", requests: 1000, perMs: 60_000 },
        // The way back (line updates, splits): undocumented, a setting.
        { group: "order-commands", requests: 100, perMs: 60_000 },
        // The listing read (product query): undocumented, a setting.
        { group: "product-query", requests: 100, perMs: 60_000 },
      ],
    });
  });
});
