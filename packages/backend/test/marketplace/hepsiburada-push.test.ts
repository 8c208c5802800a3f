import { describe, expect, test } from "bun:test";
import { createMarketplaceAdapter } from "../../src/domains/marketplace/adapters";
import { HB_ACCOUNT, hbAdapterFor, hbItems, hbSandbox, hbShown, priceUploadsPath, stockUploadsPath } from "./hepsiburada-support";
import { pollUntilComplete } from "./fakes";

describe("Hepsiburada adapter: what goes out", () => {
  test("a stock upload is a bare array of merchantSku + availableStock with Basic merchantId:serviceKey and the developer username as User-Agent", async () => {
    const target = await hbSandbox();
    const { adapter, sent } = hbAdapterFor(target);
    const receipts = await adapter.pushStockAndPrice([{ barcode: "B2", quantity: 3 }, { barcode: "A1", quantity: 7 }]);
    expect(receipts).toHaveLength(1);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.method).toBe("POST");
    expect(request?.url.pathname).toBe(stockUploadsPath);
    expect(request?.body).toBe('[{"merchantSku":"A1","availableStock":7},{"merchantSku":"B2","availableStock":3}]');
    expect(request?.headers.get("authorization")).toBe(`Basic ${Buffer.from(`${HB_ACCOUNT.account}:${HB_ACCOUNT.secret}`).toString("base64")}`);
    expect(request?.headers.get("user-agent")).toBe(HB_ACCOUNT.key);
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(receipts[0]?.batchId).toMatch(/^stock:/);
    expect(receipts[0]?.barcodes).toEqual(["A1", "B2"]);
  });

  test("stock and price go out as separate uploads, stock first, prices as TL decimals from the sale price", async () => {
    const target = await hbSandbox();
    const { adapter, sent, calls } = hbAdapterFor(target);
    const items = [
      { barcode: "P1", quantity: 4, salePrice: 11285, listPrice: 12000 },
      { barcode: "P2", salePrice: 5 },
      { barcode: "P3", quantity: 0 },
    ];
    expect(adapter.requestsFor?.(items)).toBe(2);
    const receipts = await adapter.pushStockAndPrice(items);
    expect(sent.map((r) => r.url.pathname)).toEqual([stockUploadsPath, priceUploadsPath]);
    expect(sent[0]?.body).toBe('[{"merchantSku":"P1","availableStock":4},{"merchantSku":"P3","availableStock":0}]');
    expect(sent[1]?.body).toBe('[{"merchantSku":"P1","price":112.85},{"merchantSku":"P2","price":0.05}]');
    expect(receipts.map((r) => [r.batchId.split(":")[0], r.barcodes])).toEqual([
      ["stock", ["P1", "P3"]],
      ["price", ["P1", "P2"]],
    ]);
    expect(calls.map((c) => [c.callType, c.httpStatus, c.itemCount])).toEqual([
      ["STOCK_UPDATE", 200, 2],
      ["PRICE_UPDATE", 200, 2],
    ]);
    expect(calls[0]?.batchId).toBe(receipts[0]?.batchId);
    for (const receipt of receipts) expect((await pollUntilComplete(adapter, receipt)).items.every((i) => i.outcome === "SUCCEEDED")).toBe(true);
    const shown = await hbShown(target);
    expect(shown.quantities).toEqual({ P1: 4, P3: 0 });
    expect(shown.prices).toEqual({ P1: { price: 112.85 }, P2: { price: 0.05 } });
  });

  test("identical state gives identical bodies whatever the input order", async () => {
    const target = await hbSandbox();
    const first = hbAdapterFor(target);
    const second = hbAdapterFor(target);
    const items = hbItems(5).map((item, i) => ({ ...item, salePrice: 1000 + i }));
    await first.adapter.pushStockAndPrice(items);
    await second.adapter.pushStockAndPrice([...items].reverse());
    expect(second.sent.map((r) => r.body)).toEqual(first.sent.map((r) => r.body));
  });

  test("uploads are chunked by the batch size setting (default 1000, at most 4000)", async () => {
    const target = await hbSandbox();
    const { adapter, sent } = hbAdapterFor(target, { batchSize: 2 });
    const items = hbItems(5);
    expect(adapter.requestsFor?.(items)).toBe(3);
    const receipts = await adapter.pushStockAndPrice(items);
    expect(receipts.map((r) => r.itemCount)).toEqual([2, 2, 1]);
    expect(sent.map((r) => (JSON.parse(r.body ?? "[]") as unknown[]).length)).toEqual([2, 2, 1]);
    expect(hbAdapterFor(target).adapter.profile.batchSize).toBe(1000);
    expect(() => hbAdapterFor(target, { batchSize: 4001 })).toThrow(expect.objectContaining({ code: "MARKETPLACE_CONFIG_INVALID", details: { problems: ["batchSize must be at most 4000"] } }));
  });

  test("locally refused items are FAILED_PERMANENT and never sent; quantities are clamped to the cap", async () => {
    const target = await hbSandbox();
    const { adapter, sent } = hbAdapterFor(target, { maxQuantity: 100 });
    const items = [
      { barcode: "OK", quantity: 500 },
      { barcode: "NEG", quantity: -3 },
      { barcode: "", quantity: 1 },
      { barcode: " SP", quantity: 1 },
      { barcode: "DUP", quantity: 1 },
      { barcode: "DUP", quantity: 2 },
      { barcode: "FRAC", quantity: 1.5 },
      { barcode: "LISTONLY", listPrice: 1000 },
      { barcode: "ZERO", salePrice: 0 },
      { barcode: "LOW", salePrice: 2000, listPrice: 1000 },
    ];
    const { valid, rejected } = adapter.validate(items);
    expect(valid).toEqual([{ barcode: "NEG", quantity: 0 }, { barcode: "OK", quantity: 100 }]);
    expect(Object.fromEntries(rejected.map((r) => [r.barcode, r.reasons]))).toEqual({
      "": ["INVALID_BARCODE"],
      " SP": ["INVALID_BARCODE"],
      DUP: ["DUPLICATE_BARCODE"],
      FRAC: ["INVALID_QUANTITY"],
      LISTONLY: ["NOTHING_TO_UPDATE"],
      ZERO: ["INVALID_PRICE"],
      LOW: ["LIST_PRICE_BELOW_SALE_PRICE"],
    });
    expect(rejected.every((r) => r.outcome === "FAILED_PERMANENT")).toBe(true);
    await adapter.pushStockAndPrice(items);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toBe('[{"merchantSku":"NEG","availableStock":0},{"merchantSku":"OK","availableStock":100}]');
  });

  test("nothing valid: no request at all", async () => {
    const target = await hbSandbox();
    const { adapter, sent } = hbAdapterFor(target);
    expect(await adapter.pushStockAndPrice([{ barcode: "X", listPrice: 100 }])).toEqual([]);
    expect(adapter.requestsFor?.([{ barcode: "X", listPrice: 100 }])).toBe(0);
    expect(sent).toHaveLength(0);
  });

  test("the profile says what the engine needs: separate stock and price, 5 pending uploads, groups and quotas", async () => {
    const { adapter } = hbAdapterFor(await hbSandbox());
    const { profile } = adapter;
    expect(profile.stockAndPriceTogether).toBe(false);
    expect(profile.maxPendingBatches).toBe(5);
    expect(profile.duplicateWindowMs).toBeUndefined();
    const groups = profile.rateLimits.map((r) => r.group);
    expect(groups).toContain(profile.groups.write);
    expect(groups).toContain(profile.groups.status);
    expect(profile.rateLimits.find((r) => r.group === profile.groups.orders)).toEqual({ group: "orders", requests: 1000, perMs: 1000 });
  });
});

describe("Hepsiburada store settings", () => {
  test("a store's sellerId is the merchant id, baseUrl serves both hosts, serviceKey and developerUsername come from credentials", async () => {
    const target = await hbSandbox();
    const adapter = createMarketplaceAdapter({
      type: "HEPSIBURADA",
      sellerId: HB_ACCOUNT.account,
      baseUrl: target.url,
      credentials: { serviceKey: HB_ACCOUNT.secret, developerUsername: HB_ACCOUNT.key },
    });
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "S1", quantity: 9 }]);
    expect(receipt).toBeDefined();
    if (receipt) expect((await pollUntilComplete(adapter, receipt)).items).toEqual([{ barcode: "S1", outcome: "SUCCEEDED", reasons: [] }]);
    expect((await adapter.pullOrders?.({ since: new Date(Date.now() - 60_000), until: new Date() }))?.orders).toEqual([]);
  });

  test("missing settings are named all at once (422 MARKETPLACE_SETTINGS_MISSING)", () => {
    let thrown: unknown;
    try {
      createMarketplaceAdapter({ type: "HEPSIBURADA", sellerId: null, baseUrl: null, credentials: { serviceKey: "k" } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "MARKETPLACE_SETTINGS_MISSING", status: 422, details: { missing: ["sellerId", "credentials.developerUsername"] } });
  });

  test("a developer username that is not a login name is refused (422 MARKETPLACE_CONFIG_INVALID)", () => {
    expect(() => createMarketplaceAdapter({ type: "HEPSIBURADA", sellerId: "m1", baseUrl: null, credentials: { serviceKey: "k", developerUsername: "Bun/1.2" } })).toThrow(
      expect.objectContaining({ code: "MARKETPLACE_CONFIG_INVALID" }),
    );
  });
});
