import { describe, expect, test } from "bun:test";
import { MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { classifyPttavmFailure, trackingStatusFrom } from "../../src/domains/marketplace/pttavm/outcomes";
import { PTT_ACCOUNT, pttAdapterFor, pttSandbox, rawPtt } from "./pttavm-support";
import { pollUntilComplete, thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

describe("PttAVM adapter: tracking results", () => {
  test("reads the result with POST (and an empty JSON body) by default, reporting BATCH_STATUS once per call", async () => {
    const target = await pttSandbox();
    const { adapter, sent, calls } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "G1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await adapter.batchStatus(receipt);
    expect(status).toEqual({ complete: true, items: [{ barcode: "G1", outcome: "SUCCEEDED", reasons: [] }] });
    expect(sent.map((s) => [s.method, s.url.pathname, s.body])[1]).toEqual(["POST", `/api/v1/products/tracking-result/${receipt.batchId}`, "{}"]);
    expect(sent[1]?.headers.get("Api-Key")).toBe(PTT_ACCOUNT.key);
    expect(calls.map((c) => [c.callType, c.batchId])).toEqual([["STOCK_UPDATE", receipt.batchId], ["BATCH_STATUS", receipt.batchId]]);
  });

  test("the tracking-result method is a setting, and the sandbox takes GET too", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target, { trackingResultMethod: "GET" });
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "G2", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    expect((await adapter.batchStatus(receipt)).complete).toBe(true);
    expect([sent[1]?.method, sent[1]?.body]).toEqual(["GET", undefined]);
  });

  test("before the result delay the result is in progress with no outcomes, then complete", async () => {
    const target = await pttSandbox({ resultDelayMs: 150 });
    const { adapter } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "D1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    expect(await adapter.batchStatus(receipt)).toEqual({ complete: false, items: [] });
    expect((await pollUntilComplete(adapter, receipt)).complete).toBe(true);
  });

  test("a partial failure: an unknown barcode fails permanently while the rest succeed", async () => {
    const target = await pttSandbox({}, [{ ...PTT_ACCOUNT, known: ["K1", "K2"] }]);
    const { adapter } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "K1", quantity: 1 }, { barcode: "K2", quantity: 2 }, { barcode: "ZZ", quantity: 3 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.items.map((i) => [i.barcode, i.outcome])).toEqual([["K1", "SUCCEEDED"], ["K2", "SUCCEEDED"], ["ZZ", "FAILED_PERMANENT"]]);
    expect(status.items[2]?.reasons[0]).toContain("bulunamadı");
  });

  test("the sandbox's errorRate fails items with a transient reason, which is retryable", async () => {
    const target = await pttSandbox({ faults: { errorRate: 1 } });
    const { adapter } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "E1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.items.map((i) => i.outcome)).toEqual(["FAILED_RETRYABLE"]);
  });

  test("a result past its (scaled) retention is gone: a permanent not-found refusal", async () => {
    // One hour of retention plays as 36 ms of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await pttSandbox({ timeScale: 100_000, now: clock.now });
    const { adapter } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "X1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    clock.advance(36);
    const error = await thrownBy(() => adapter.batchStatus(receipt));
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect((error as MarketplaceRefused).code).toBe("MARKETPLACE_NOT_FOUND");
  });

  test("another account cannot read a tracking result", async () => {
    const other = { account: "shop-2", key: "k2", secret: "s2" };
    const target = await pttSandbox({}, [{ ...PTT_ACCOUNT }, other]);
    const { adapter } = pttAdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "O1", quantity: 1 }]);
    const res = await rawPtt(target, `/products/tracking-result/${receipt?.batchId}`, { method: "GET", apiKey: "k2", token: "s2" });
    expect(res.status).toBe(404);
  });

  test("out-of-range quantities, a price not above 1 TRY, a VAT rate and a discount PttAVM does not take fail per item", async () => {
    const target = await pttSandbox();
    const res = await rawPtt(target, "/products/stock-prices", {
      body: {
        items: [
          { barcode: "R1", quantity: 10_000 },
          { barcode: "R2", priceWithVAT: 1, priceWithoutVAT: 0.83, vatRate: 20, discount: 0 },
          { barcode: "R3", priceWithVAT: 50, priceWithoutVAT: 41.67, vatRate: 18, discount: 80 },
          { barcode: "R4", quantity: 9999 },
        ],
      },
    });
    const accepted = (await res.json()) as { success: boolean; trackingId: string; countOfProductsToBeProcessed: number };
    expect(accepted.success).toBe(true);
    expect(accepted.countOfProductsToBeProcessed).toBe(4);
    const result = (await (await rawPtt(target, `/products/tracking-result/${accepted.trackingId}`, { method: "POST", body: {} })).json()) as {
      status: string;
      productsSubTrackingResult: { countOfCancelledProducts: number; productBasedInfos: { barcode: string; status: string; failureReasons: string[] }[] };
    };
    expect(result.status).toBe("Completed");
    const { countOfCancelledProducts, productBasedInfos } = result.productsSubTrackingResult;
    expect(countOfCancelledProducts).toBe(3);
    expect(productBasedInfos.map((i) => i.status)).toEqual(["Cancelled", "Cancelled", "Cancelled", "Completed"]);
    expect(productBasedInfos[2]?.failureReasons).toHaveLength(3);
    expect(productBasedInfos.map((i) => classifyPttavmFailure(i.failureReasons))).toEqual(["FAILED_PERMANENT", "FAILED_PERMANENT", "FAILED_PERMANENT", "FAILED_RETRYABLE"]);
  });

  test("a key no source shows is refused with success:false before processing", async () => {
    const target = await pttSandbox();
    const res = await rawPtt(target, "/products/stock-prices", { body: { items: [{ barcode: "L1", quantity: 1, salePrice: 20, listPrice: 10 }] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: false, trackingId: null, message: "L1: bilinmeyen alan salePrice" });
  });
});

describe("PttAVM outcome mapping", () => {
  test("reasons map to LOCKED, FAILED_RETRYABLE and FAILED_PERMANENT, unknown ones retryable", () => {
    expect(classifyPttavmFailure(["Ürün kilitli, güncellenemez"])).toBe("LOCKED");
    expect(classifyPttavmFailure(["Ürün pasif durumda"])).toBe("LOCKED");
    expect(classifyPttavmFailure(["Sistemsel bir hata oluştu, lütfen tekrar deneyiniz"])).toBe("FAILED_RETRYABLE");
    expect(classifyPttavmFailure(["Ürün bulunamadı: X"])).toBe("FAILED_PERMANENT");
    expect(classifyPttavmFailure(["Stok miktarı 0 ile 9999 arasında olmalıdır"])).toBe("FAILED_PERMANENT");
    expect(classifyPttavmFailure(["something new"])).toBe("FAILED_RETRYABLE");
  });

  test("a Cancelled item's failureReasons and message are its reasons; Waiting and InProgress items are not final", () => {
    const body = {
      status: "InProgress",
      productsSubTrackingResult: {
        productBasedInfos: [
          { barcode: "A", status: "Completed", message: null, failureReasons: [] },
          { barcode: "B", status: "Cancelled", message: "Ürün bulunamadı", failureReasons: ["Ürün bulunamadı: B"] },
          { barcode: "C", status: "InProgress", message: null, failureReasons: [] },
        ],
      },
    };
    expect(trackingStatusFrom(body, ["A", "B", "C"])).toEqual({
      complete: false,
      items: [
        { barcode: "A", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "B", outcome: "FAILED_PERMANENT", reasons: ["Ürün bulunamadı: B", "Ürün bulunamadı"] },
      ],
    });
  });

  test("a Completed or Cancelled batch that leaves out a barcode fails it retryably", () => {
    for (const status of ["Completed", "Cancelled"]) {
      const result = trackingStatusFrom({ status, productsSubTrackingResult: { productBasedInfos: [{ barcode: "A", status: "Completed" }] } }, ["A", "B"]);
      expect(result?.complete).toBe(true);
      expect(result?.items[1]).toEqual({ barcode: "B", outcome: "FAILED_RETRYABLE", reasons: ["NOT_IN_TRACKING_RESULT"] });
    }
  });

  test("an unreadable result is undefined", () => {
    expect(trackingStatusFrom("nope", ["A"])).toBeUndefined();
    expect(trackingStatusFrom({ items: [] }, ["A"])).toBeUndefined();
    expect(trackingStatusFrom({ status: "Completed", productsSubTrackingResult: { productBasedInfos: "x" } }, ["A"])).toBeUndefined();
  });
});
