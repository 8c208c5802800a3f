import { describe, expect, test } from "bun:test";
import { MarketplaceDuplicateRequest } from "../../src/domains/marketplace/errors";
import { createTrendyolAdapter } from "../../src/domains/marketplace/trendyol/adapter";
import { adapterFor, sandbox, SELLER, shownQuantities, stockItems } from "./support";
import { pollUntilComplete, thrownBy } from "./fakes";

function barcodesOf(body: string): string[] {
  return (JSON.parse(body) as { items: { barcode: string }[] }).items.map((item) => item.barcode);
}

describe("Trendyol adapter: the price-and-inventory payload", () => {
  test("2500 items go out as 3 requests of at most 1000, in barcode order", async () => {
    const target = await sandbox();
    const { adapter, sent } = adapterFor(target);
    const items = stockItems(2500).reverse();
    const receipts = await adapter.pushStockAndPrice(items);
    expect(receipts.map((r) => r.itemCount)).toEqual([1000, 1000, 500]);
    expect(target.state.requests().map((r) => r.itemCount)).toEqual([1000, 1000, 500]);
    const sentOrder = sent.flatMap((s) => barcodesOf(s.body));
    expect(sentOrder).toEqual(items.map((i) => i.barcode).sort());
    expect(receipts.flatMap((r) => r.barcodes)).toEqual(sentOrder);
  });

  test("the same items in another order give byte-identical bodies", async () => {
    const target = await sandbox();
    const { adapter, sent } = adapterFor(target);
    const items = [
      { barcode: "B2", quantity: 3, salePrice: 11285, listPrice: 11385 },
      { barcode: "A1", quantity: 7 },
      { barcode: "C3", salePrice: 5000, listPrice: 5000 },
    ];
    await adapter.pushStockAndPrice(items);
    // The sandbox's 15-minute rule hashes the raw body: a refusal proves the bytes matched there too.
    expect(await thrownBy(() => adapter.pushStockAndPrice([...items].reverse()))).toBeInstanceOf(MarketplaceDuplicateRequest);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.body).toBe(sent[1]?.body ?? "");
  });

  test("prices in minor units go out as decimals with two places", async () => {
    const target = await sandbox();
    const { adapter, sent } = adapterFor(target);
    await adapter.pushStockAndPrice([{ barcode: "P1", quantity: 1, salePrice: 11285, listPrice: 11300 }, { barcode: "P2", salePrice: 5, listPrice: 100 }]);
    expect(sent[0]?.body).toBe(
      '{"items":[{"barcode":"P1","quantity":1,"salePrice":112.85,"listPrice":113.00},{"barcode":"P2","salePrice":0.05,"listPrice":1.00}]}',
    );
  });

  test("a quantity over 20000 is sent as 20000 and a negative one as 0", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "BIG", quantity: 75_000 }, { barcode: "NEG", quantity: -4 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.items.every((item) => item.outcome === "SUCCEEDED")).toBe(true);
    expect(await shownQuantities(target)).toEqual({ BIG: 20_000, NEG: 0 });
  });

  test("an item whose list price is below its sale price is refused locally and never sent", async () => {
    const target = await sandbox();
    const { adapter, sent } = adapterFor(target);
    const items = [{ barcode: "OK1", quantity: 2 }, { barcode: "BAD", quantity: 2, salePrice: 2000, listPrice: 1999 }];
    const { valid, rejected } = adapter.validate(items);
    expect(valid.map((item) => item.barcode)).toEqual(["OK1"]);
    expect(rejected).toEqual([{ barcode: "BAD", outcome: "FAILED_PERMANENT", reasons: ["LIST_PRICE_BELOW_SALE_PRICE"] }]);
    await adapter.pushStockAndPrice(items);
    expect(sent.flatMap((s) => barcodesOf(s.body))).toEqual(["OK1"]);
  });

  test("a barcode given twice in one push is refused rather than guessed", () => {
    const adapter = createTrendyolAdapter({ baseUrl: "http://127.0.0.1:1", ...SELLER });
    const { rejected, valid } = adapter.validate([{ barcode: "D1", quantity: 1 }, { barcode: "D1", quantity: 2 }]);
    expect(valid).toEqual([]);
    expect(rejected.map((r) => r.reasons)).toEqual([["DUPLICATE_BARCODE"], ["DUPLICATE_BARCODE"]]);
  });

  test("a push with nothing valid sends no request", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    const receipts = await adapter.pushStockAndPrice([{ barcode: "X", quantity: 1.5 }, { barcode: "Y" }]);
    expect(receipts).toEqual([]);
    expect(target.state.requests()).toEqual([]);
  });
});
