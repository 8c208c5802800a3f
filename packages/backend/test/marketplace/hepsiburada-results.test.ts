import { describe, expect, test } from "bun:test";
import { MarketplaceOutcomeUnknown } from "../../src/domains/marketplace/errors";
import type { SubmissionReceipt } from "../../src/domains/marketplace/types";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, hbShown } from "./hepsiburada-support";
import { cannedFetch, NOWHERE, pollUntilComplete, thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

const receipt = (batchId: string, barcodes: string[]): SubmissionReceipt => ({ marketplace: "HEPSIBURADA", batchId, submittedAt: new Date().toISOString(), itemCount: barcodes.length, barcodes });

describe("Hepsiburada upload results through the sandbox", () => {
  test("unknown SKUs fail per item as ProductNotFound (FAILED_PERMANENT) while the rest succeed", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["K1", "K2"] }]);
    const { adapter, sent, calls } = hbAdapterFor(target);
    const [stock] = await adapter.pushStockAndPrice([{ barcode: "K1", quantity: 1 }, { barcode: "NOPE", quantity: 2 }, { barcode: "K2", quantity: 3 }]);
    if (!stock) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, stock);
    expect(status).toEqual({
      complete: true,
      items: [
        { barcode: "K1", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "K2", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "NOPE", outcome: "FAILED_PERMANENT", reasons: ["ProductNotFound"] },
      ],
    });
    expect(sent.at(-1)?.url.pathname).toBe(`/listings/merchantid/${HB_ACCOUNT.account}/stock-uploads/id/${stock.batchId.slice("stock:".length)}`);
    expect(calls.at(-1)).toMatchObject({ callType: "BATCH_STATUS", httpStatus: 200, batchId: stock.batchId, itemCount: 3 });
    expect((await hbShown(target)).quantities).toEqual({ K1: 1, K2: 3 });
  });

  test("a price upload that is Done with priceValidations MinLock / MaxLock is LOCKED, and the frozen listing refuses the next price", async () => {
    const target = await hbSandbox();
    const { adapter } = hbAdapterFor(target);
    const [first] = await adapter.pushStockAndPrice([{ barcode: "L1", salePrice: 10000 }, { barcode: "L2", salePrice: 10000 }, { barcode: "L3", salePrice: 10000 }]);
    if (!first) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, first)).items.every((i) => i.outcome === "SUCCEEDED")).toBe(true);
    const [locked] = await adapter.pushStockAndPrice([{ barcode: "L1", salePrice: 4000 }, { barcode: "L2", salePrice: 40000 }, { barcode: "L3", salePrice: 9000 }]);
    if (!locked) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, locked)).items).toEqual([
      { barcode: "L1", outcome: "LOCKED", reasons: ["MinLock"] },
      { barcode: "L2", outcome: "LOCKED", reasons: ["MaxLock"] },
      { barcode: "L3", outcome: "SUCCEEDED", reasons: [] },
    ]);
    expect((await hbShown(target)).prices).toEqual({ L1: { price: 100 }, L2: { price: 100 }, L3: { price: 90 } });
    const [frozen] = await adapter.pushStockAndPrice([{ barcode: "L1", salePrice: 9900 }]);
    if (!frozen) throw new Error("no receipt");
    // Every element failed: the upload as a whole is Failed, the item keeps its own error.
    expect((await pollUntilComplete(adapter, frozen)).items).toEqual([{ barcode: "L1", outcome: "FAILED_PERMANENT", reasons: ["ListingFrozen"] }]);
  });

  test("a price over Hepsiburada's range is OutOfPriceRange (FAILED_PERMANENT)", async () => {
    const target = await hbSandbox();
    const { adapter } = hbAdapterFor(target);
    const [upload] = await adapter.pushStockAndPrice([{ barcode: "R1", salePrice: 200_000_000 }, { barcode: "R2", salePrice: 100 }]);
    if (!upload) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, upload)).items).toEqual([
      { barcode: "R1", outcome: "FAILED_PERMANENT", reasons: ["OutOfPriceRange"] },
      { barcode: "R2", outcome: "SUCCEEDED", reasons: [] },
    ]);
  });

  test("the errorRate fault fails items transiently (FAILED_RETRYABLE)", async () => {
    const target = await hbSandbox({ faults: { errorRate: 1 } });
    const { adapter } = hbAdapterFor(target);
    const [upload] = await adapter.pushStockAndPrice([{ barcode: "E1", quantity: 1 }]);
    if (!upload) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, upload)).items).toEqual([{ barcode: "E1", outcome: "FAILED_RETRYABLE", reasons: ["InternalServerError"] }]);
  });

  test("before the result delay the upload is not done: complete false, no outcomes", async () => {
    const clock = manualClock();
    const target = await hbSandbox({ resultDelayMs: 150, now: clock.now });
    const { adapter } = hbAdapterFor(target);
    const [upload] = await adapter.pushStockAndPrice([{ barcode: "D1", quantity: 1 }]);
    if (!upload) throw new Error("no receipt");
    expect(await adapter.batchStatus(upload)).toEqual({ complete: false, items: [] });
    clock.advance(149);
    expect(await adapter.batchStatus(upload)).toEqual({ complete: false, items: [] });
    clock.advance(1);
    expect(await adapter.batchStatus(upload)).toEqual({ complete: true, items: [{ barcode: "D1", outcome: "SUCCEEDED", reasons: [] }] });
  });

  test("past the retention the status is gone: 404 MARKETPLACE_NOT_FOUND", async () => {
    // 1 hour of retention played 100000 times faster: 36 ms of the sandbox's clock, stepped by hand.
    const clock = manualClock();
    const target = await hbSandbox({ timeScale: 100_000, now: clock.now });
    const { adapter } = hbAdapterFor(target);
    const [upload] = await adapter.pushStockAndPrice([{ barcode: "T1", quantity: 1 }]);
    if (!upload) throw new Error("no receipt");
    clock.advance(36);
    expect(await thrownBy(() => adapter.batchStatus(upload))).toMatchObject({ code: "MARKETPLACE_NOT_FOUND", fate: "REFUSED", httpStatus: 404 });
  });
});

describe("Hepsiburada upload status answers, every shape", () => {
  test("errors name items by merchantSku or by 1-based elementNo; Failed leaves unnamed items FAILED_RETRYABLE", async () => {
    const body = {
      id: "u1",
      status: "Failed",
      createdAt: "2026-11-23T10:00:00Z",
      total: 3,
      errors: [
        { elementNo: 2, hepsiburadaSku: "HBV1", merchantSku: null, errors: ["InvalidAvailableStock"] },
        { elementNo: 99, hepsiburadaSku: null, merchantSku: "A", errors: ["DuplicateMerchantSkuSpecified"] },
      ],
    };
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body }));
    expect(await adapter.batchStatus(receipt("stock:u1", ["A", "B", "C"]))).toEqual({
      complete: true,
      items: [
        { barcode: "A", outcome: "FAILED_PERMANENT", reasons: ["DuplicateMerchantSkuSpecified"] },
        { barcode: "B", outcome: "FAILED_PERMANENT", reasons: ["InvalidAvailableStock"] },
        { barcode: "C", outcome: "FAILED_RETRYABLE", reasons: ["UPLOAD_FAILED"] },
      ],
    });
  });

  test("a lock wins over an error of the same item; unrecognised errors are retryable", async () => {
    const body = {
      id: "u2",
      status: "Done",
      errors: [
        { elementNo: 1, merchantSku: "A", errors: ["OutOfPriceRange"] },
        { elementNo: 2, merchantSku: "B", errors: ["SomethingNew"] },
      ],
      priceValidations: [{ elementNo: 1, merchantSku: "A", type: "MaxLock" }, { elementNo: 3 }],
    };
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body }));
    expect((await adapter.batchStatus(receipt("price:u2", ["A", "B", "C"]))).items).toEqual([
      { barcode: "A", outcome: "LOCKED", reasons: ["OutOfPriceRange", "MaxLock"] },
      { barcode: "B", outcome: "FAILED_RETRYABLE", reasons: ["SomethingNew"] },
      { barcode: "C", outcome: "LOCKED", reasons: ["PriceLocked"] },
    ]);
  });

  test("any status but Done / Failed is not done yet; the price status endpoint is read for a price receipt", async () => {
    const { adapter, sent } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { id: "u3", status: "InProgress", errors: [] } }));
    expect(await adapter.batchStatus(receipt("price:u3", ["A"]))).toEqual({ complete: false, items: [] });
    expect(sent[0]?.url.pathname).toBe(`/listings/merchantid/${HB_ACCOUNT.account}/price-uploads/id/u3`);
    expect(sent[0]?.method).toBe("GET");
  });

  test("an answer without a status is unreadable: the outcome is unknown", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { id: "u4" } }));
    const error = await thrownBy(() => adapter.batchStatus(receipt("stock:u4", ["A"])));
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect(error).toMatchObject({ failure: "UNREADABLE_ANSWER" });
  });

  test("a receipt that names no upload kind, or another marketplace, is refused without a call", async () => {
    const { adapter, sent } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: {} }));
    expect(await thrownBy(() => adapter.batchStatus(receipt("u5", ["A"])))).toMatchObject({ code: "MARKETPLACE_RECEIPT_INVALID" });
    expect(await thrownBy(() => adapter.batchStatus({ ...receipt("stock:u5", ["A"]), marketplace: "N11" }))).toMatchObject({ code: "MARKETPLACE_MISMATCH" });
    expect(sent).toHaveLength(0);
  });

  test("an accepted upload without an id is an unknown outcome (it may be applied)", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { accepted: true } }));
    const error = await thrownBy(() => adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]));
    expect(error).toMatchObject({ fate: "UNKNOWN", progress: { submitted: [], inDoubt: ["A"], unsent: [] } });
  });
});
