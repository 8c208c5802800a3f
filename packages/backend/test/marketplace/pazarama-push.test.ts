import { describe, expect, test } from "bun:test";
import { createMarketplaceAdapter } from "../../src/domains/marketplace/adapters";
import { AppError } from "../../src/infra/errors";
import { PZ_ACCOUNT, pzAdapterFor, pzItems, pzSandbox, shownBy } from "./pazarama-support";
import { pollUntilComplete, thrownBy } from "./fakes";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function codesOf(body: string | undefined): string[] {
  return (JSON.parse(body ?? "{}") as { items: { code: string }[] }).items.map((item) => item.code);
}

describe("Pazarama adapter: token and writes", () => {
  test("gets a client-credentials token once, then posts updateStock-v2 with the Bearer token", async () => {
    const target = await pzSandbox();
    const { adapter, sent, calls } = pzAdapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "A1", quantity: 7 }]);
    await adapter.pushStockAndPrice([{ barcode: "A1", quantity: 8 }]);
    expect(sent.map((s) => [s.method, s.url.pathname])).toEqual([
      ["POST", "/connect/token"],
      ["POST", "/product/updateStock-v2"],
      ["POST", "/product/updateStock-v2"],
    ]);
    const [token, first] = sent;
    expect(token?.headers.get("authorization")).toBe(`Basic ${btoa(`${PZ_ACCOUNT.key}:${PZ_ACCOUNT.secret}`)}`);
    expect(token?.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(token?.body).toBe("grant_type=client_credentials&scope=merchantgatewayapi.fullaccess");
    expect(first?.headers.get("authorization") ?? "").toMatch(/^Bearer \S+$/);
    expect(first?.headers.get("content-type")).toBe("application/json");
    expect(first?.body).toBe('{"items":[{"code":"A1","stockCount":7}]}');
    expect(calls.map((c) => [c.callType, c.httpStatus, c.itemCount])).toEqual([
      ["OTHER", 200, 0],
      ["STOCK_UPDATE", 200, 1],
      ["STOCK_UPDATE", 200, 1],
    ]);
    expect(calls[1]?.batchId ?? "").toMatch(/^STOCK:/);
    expect((await shownBy(target)).quantities).toEqual({ A1: 8 });
  });

  test("stock and prices go to their own endpoints, prices as TRY decimals, list defaulting to sale", async () => {
    const target = await pzSandbox();
    const { adapter, sent } = pzAdapterFor(target);
    const items = [{ barcode: "P2", salePrice: 5 }, { barcode: "P1", quantity: 3, salePrice: 11285, listPrice: 11300 }];
    expect(adapter.requestsFor?.(items)).toBe(2);
    const receipts = await adapter.pushStockAndPrice(items);
    expect(sent.slice(1).map((s) => [s.url.pathname, s.body])).toEqual([
      ["/product/updateStock-v2", '{"items":[{"code":"P1","stockCount":3}]}'],
      ["/product/updatePrice-v2", '{"items":[{"code":"P1","listPrice":113.00,"salePrice":112.85},{"code":"P2","listPrice":0.05,"salePrice":0.05}]}'],
    ]);
    expect(receipts.map((r) => [r.batchId.split(":")[0], r.barcodes])).toEqual([
      ["STOCK", ["P1"]],
      ["PRICE", ["P1", "P2"]],
    ]);
    for (const receipt of receipts) {
      expect(receipt.batchId.split(":")[1] ?? "").toMatch(UUID);
      expect((await pollUntilComplete(adapter, receipt)).complete).toBe(true);
    }
    expect(await shownBy(target)).toEqual({ quantities: { P1: 3 }, prices: { P1: { listPrice: 113, salePrice: 112.85 }, P2: { listPrice: 0.05, salePrice: 0.05 } } });
    expect(adapter.profile.stockAndPriceTogether).toBe(false);
  });

  test("2500 items go out as 3 requests of at most 1000 in barcode order, spaced for the 10-second rule", async () => {
    const target = await pzSandbox();
    const { adapter, sent } = pzAdapterFor(target);
    const items = pzItems(2500).reverse();
    expect(adapter.requestsFor?.(items)).toBe(3);
    const receipts = await adapter.pushStockAndPrice(items);
    expect(receipts.map((r) => r.itemCount)).toEqual([1000, 1000, 500]);
    const order = sent.slice(1).flatMap((s) => codesOf(s.body));
    expect(order).toEqual(items.map((i) => i.barcode).sort());
    expect(target.state.requests().filter((r) => r.endpoint === "updateStock-v2").map((r) => r.status)).toEqual([200, 200, 200]);
  });

  test("identical state gives byte-identical bodies whatever the input order", async () => {
    const target = await pzSandbox();
    const one = pzAdapterFor(target);
    const two = pzAdapterFor(target, { writeSpacingMs: 20 });
    await one.adapter.pushStockAndPrice([{ barcode: "B", salePrice: 200 }, { barcode: "A", salePrice: 100, listPrice: 150 }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await two.adapter.pushStockAndPrice([{ barcode: "A", salePrice: 100, listPrice: 150 }, { barcode: "B", salePrice: 200 }]);
    expect(one.sent[1]?.body).toBe(two.sent[1]?.body ?? "");
  });
});

describe("Pazarama adapter: local validation", () => {
  test("items Pazarama would refuse come back FAILED_PERMANENT and are never sent", async () => {
    const target = await pzSandbox();
    const { adapter, sent } = pzAdapterFor(target);
    const items = [
      { barcode: "OK", quantity: 1 },
      { barcode: "X".repeat(101), quantity: 1 },
      { barcode: "LISTONLY", listPrice: 100 },
      { barcode: "BELOW", salePrice: 200, listPrice: 100 },
      { barcode: "DUP", quantity: 1 },
      { barcode: "DUP", quantity: 2 },
      { barcode: "NOTHING" },
    ];
    const { valid, rejected } = adapter.validate(items);
    expect(valid).toEqual([{ barcode: "OK", quantity: 1 }]);
    expect(Object.fromEntries(rejected.map((r) => [r.barcode.slice(0, 10), [r.outcome, r.reasons]]))).toEqual({
      XXXXXXXXXX: ["FAILED_PERMANENT", ["BARCODE_TOO_LONG"]],
      LISTONLY: ["FAILED_PERMANENT", ["SALE_PRICE_REQUIRED"]],
      BELOW: ["FAILED_PERMANENT", ["LIST_PRICE_BELOW_SALE_PRICE"]],
      DUP: ["FAILED_PERMANENT", ["DUPLICATE_BARCODE"]],
      NOTHING: ["FAILED_PERMANENT", ["NOTHING_TO_UPDATE"]],
    });
    await adapter.pushStockAndPrice(items);
    expect(sent.slice(1).map((s) => s.body)).toEqual(['{"items":[{"code":"OK","stockCount":1}]}']);
  });

  test("nothing valid means no request at all, not even a token", async () => {
    const target = await pzSandbox();
    const { adapter, sent } = pzAdapterFor(target);
    expect(await adapter.pushStockAndPrice([{ barcode: "B", salePrice: 0 }])).toEqual([]);
    expect(adapter.requestsFor?.([{ barcode: "B", salePrice: 0 }])).toBe(0);
    expect(sent).toEqual([]);
  });

  test("quantities are clamped to [0, maxQuantity]", async () => {
    const target = await pzSandbox();
    const { adapter, sent } = pzAdapterFor(target, { maxQuantity: 50 });
    await adapter.pushStockAndPrice([{ barcode: "H", quantity: 51 }, { barcode: "L", quantity: -4 }]);
    expect(sent[1]?.body).toBe('{"items":[{"code":"H","stockCount":50},{"code":"L","stockCount":0}]}');
  });
});

describe("Pazarama adapter: settings and profile", () => {
  test("a PAZARAMA store needs clientId and clientSecret, named together", () => {
    const error = (() => {
      try {
        createMarketplaceAdapter({ type: "PAZARAMA", sellerId: "s1", baseUrl: null, credentials: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("MARKETPLACE_SETTINGS_MISSING");
    expect((error as AppError).details).toEqual({ missing: ["credentials.clientId", "credentials.clientSecret"] });
  });

  test("a store's baseUrl is used for both the token host and the API host", async () => {
    const target = await pzSandbox();
    const adapter = createMarketplaceAdapter({
      type: "PAZARAMA",
      sellerId: "s1",
      baseUrl: `${target.url}/`,
      credentials: { clientId: PZ_ACCOUNT.key, clientSecret: PZ_ACCOUNT.secret },
    });
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "S1", quantity: 4 }]);
    expect(receipt?.marketplace).toBe("PAZARAMA");
    expect(target.state.requests().map((r) => [r.endpoint, r.status])).toEqual([
      ["token", 200],
      ["updateStock-v2", 200],
    ]);
  });

  test("the profile: one write per 10 s for stock and price together, separate read groups, documented defaults", () => {
    const { adapter } = pzAdapterFor({ url: "http://127.0.0.1:1" }, { writeSpacingMs: undefined });
    expect(adapter.profile).toEqual({
      batchSize: 1000,
      maxQuantity: 99_999,
      resultRetentionMs: 3_600_000,
      groups: { write: "write", status: "listing-state", orders: "orders", listings: "products" },
      stockAndPriceTogether: false,
      // 27-day slices: at most 28 whole Turkish days, inside "at most a month".
      orderStream: { windowMs: 27 * 24 * 3_600_000, pageOrder: "UNDOCUMENTED", minOverlapMs: 0 },
      rateLimits: [
        { group: "write", requests: 1, perMs: 10_000 },
        { group: "listing-state", requests: 60, perMs: 60_000 },
        { group: "orders", requests: 60, perMs: 60_000 },
        // The way back: order statuses and refunds (undocumented quota, a setting).
        { group: "order-commands", requests: 60, perMs: 60_000 },
        // The approved-products read (undocumented quota, a setting).
        { group: "products", requests: 60, perMs: 60_000 },
      ],
    });
  });

  test("unusable settings are refused with every problem named", () => {
    const error = (() => {
      try {
        pzAdapterFor({ url: "ftp://x" }, { batchSize: 5000, batchResults: "SOMETIMES" as "ACCEPTED", ordersPath: "orders" });
      } catch (e) {
        return e;
      }
    })();
    expect((error as AppError).code).toBe("MARKETPLACE_CONFIG_INVALID");
    expect((error as AppError).details).toEqual({
      problems: ["apiBaseUrl must be http(s)", "tokenBaseUrl must be http(s)", "batchSize must be at most 3000", "batchResults must be LISTING_STATE or ACCEPTED", "ordersPath must start with /"],
    });
  });

  test("a receipt of another marketplace is refused", async () => {
    const { adapter } = pzAdapterFor({ url: "http://127.0.0.1:1" });
    const error = await thrownBy(() => adapter.batchStatus({ marketplace: "N11", batchId: "STOCK:x", submittedAt: "", itemCount: 0, barcodes: [] }));
    expect((error as AppError).code).toBe("MARKETPLACE_MISMATCH");
  });
});
