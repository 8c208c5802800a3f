import { describe, expect, test } from "bun:test";
import { MarketplaceOutcomeUnknown } from "../../src/domains/marketplace/errors";
import type { SubmissionReceipt } from "../../src/domains/marketplace/types";
import { fakePazarama, json, PZ_ACCOUNT, pzAdapterFor, pzSandbox, shownBy } from "./pazarama-support";
import { NOWHERE, pollUntilComplete, thrownBy } from "./fakes";

const receipt = (kind: "STOCK" | "PRICE", barcodes: string[]): SubmissionReceipt => ({ marketplace: "PAZARAMA", batchId: `${kind}:d-1`, submittedAt: "", itemCount: barcodes.length, barcodes });

describe("Pazarama adapter: batch results (lake-projections)", () => {
  test("reads GET /listing-state/batch-id/{dataId}/lake-projections; unknown codes fail permanently, the rest succeed", async () => {
    const target = await pzSandbox({}, [{ ...PZ_ACCOUNT, known: ["K1", "K2"] }]);
    const { adapter, sent } = pzAdapterFor(target);
    const [stock] = await adapter.pushStockAndPrice([{ barcode: "K1", quantity: 4 }, { barcode: "NOPE", quantity: 2 }, { barcode: "K2", quantity: 0 }]);
    if (!stock) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, stock);
    const read = sent.at(-1);
    expect([read?.method, read?.url.pathname, read?.url.search]).toEqual(["GET", `/listing-state/batch-id/${stock.batchId.slice("STOCK:".length)}/lake-projections`, "?page=1&pageSize=3000"]);
    expect(read?.headers.get("authorization") ?? "").toMatch(/^Bearer /);
    expect(status).toEqual({
      complete: true,
      items: [
        { barcode: "K1", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "K2", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "NOPE", outcome: "FAILED_PERMANENT", reasons: ["Ürün bulunamadı"] },
      ],
    });
    expect((await shownBy(target)).quantities).toEqual({ K1: 4, K2: 0 });
  });

  test("before the result delay nothing is final", async () => {
    const target = await pzSandbox({ resultDelayMs: 60_000, timeScale: 1000 });
    const { adapter, calls } = pzAdapterFor(target);
    const [stock] = await adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]);
    if (!stock) throw new Error("no receipt");
    expect(await adapter.batchStatus(stock)).toEqual({ complete: false, items: [] });
    expect(calls.at(-1)).toMatchObject({ callType: "BATCH_STATUS", httpStatus: 200, batchId: stock.batchId, itemCount: 1 });
  });

  test("a price cut of 70% or more waits for approval: LOCKED, and the marketplace keeps the old price", async () => {
    const target = await pzSandbox();
    const { adapter } = pzAdapterFor(target);
    const [first] = await adapter.pushStockAndPrice([{ barcode: "P", salePrice: 10_000, listPrice: 12_000 }]);
    if (!first) throw new Error("no receipt");
    await pollUntilComplete(adapter, first);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [cut] = await adapter.pushStockAndPrice([{ barcode: "P", salePrice: 2_500, listPrice: 12_000 }]);
    if (!cut) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, cut);
    expect(status.items.map((i) => i.outcome)).toEqual(["LOCKED"]);
    expect((await shownBy(target)).prices).toEqual({ P: { listPrice: 120, salePrice: 100 } });
  });

  test("the fault error rate fails items transiently: FAILED_RETRYABLE", async () => {
    const target = await pzSandbox({ faults: { errorRate: 1 } });
    const { adapter } = pzAdapterFor(target);
    const [stock] = await adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]);
    if (!stock) throw new Error("no receipt");
    expect((await pollUntilComplete(adapter, stock)).items).toEqual([{ barcode: "A", outcome: "FAILED_RETRYABLE", reasons: ["Sistemsel bir hata oluştu, lütfen tekrar deneyiniz"] }]);
  });

  test("ACCEPTED mode: success:true counts as applied, with no status call", async () => {
    const target = await pzSandbox({}, [{ ...PZ_ACCOUNT, known: [] }]);
    const { adapter, sent } = pzAdapterFor(target, { batchResults: "ACCEPTED" });
    const [stock] = await adapter.pushStockAndPrice([{ barcode: "A", quantity: 1 }]);
    if (!stock) throw new Error("no receipt");
    const before = sent.length;
    expect(await adapter.batchStatus(stock)).toEqual({ complete: true, items: [{ barcode: "A", outcome: "SUCCEEDED", reasons: [] }] });
    expect(sent.length).toBe(before);
  });

  test("answer shapes: data as a list or wrapped, status numbers or only texts, the part that was written", async () => {
    const answers: [unknown, "STOCK" | "PRICE"][] = [
      [{ success: true, data: [{ code: "A", stock: { status: 0 }, price: null }, { code: "B", stock: { status: 1, operationDetail: "Stok geçersiz" } }, { code: "C", stock: { status: 3 } }] }, "STOCK"],
      [{ success: true, data: { data: [{ code: "A", price: { status: 0 } }, { code: "B", price: { status: 2, operationDetail: "Ürün pasif durumda" } }, { code: "C", operationStatusText: "İşleniyor" }] } }, "PRICE"],
    ];
    for (const [index, [body, kind]] of answers.entries()) {
      const { adapter } = pzAdapterFor(NOWHERE, {}, fakePazarama(() => json(200, body)));
      const status = await adapter.batchStatus(receipt(kind, ["A", "B", "C"]));
      expect(status.complete).toBe(false);
      expect(status.items[0]).toEqual({ barcode: "A", outcome: "SUCCEEDED", reasons: [] });
      expect(status.items[1]).toEqual(index === 0 ? { barcode: "B", outcome: "FAILED_PERMANENT", reasons: ["Stok geçersiz"] } : { barcode: "B", outcome: "LOCKED", reasons: ["Ürün pasif durumda"] });
      expect(status.items.length).toBe(2);
    }
  });

  test("an unrecognised reason is retryable; a text-only failure is read too", async () => {
    const body = { success: true, data: [{ code: "A", stock: { status: 1, operationDetail: "Beklenmeyen durum" } }, { code: "B", operationStatusText: "Tamamlanamadı" }] };
    const { adapter } = pzAdapterFor(NOWHERE, {}, fakePazarama(() => json(200, body)));
    expect(await adapter.batchStatus(receipt("STOCK", ["A", "B"]))).toEqual({
      complete: true,
      items: [
        { barcode: "A", outcome: "FAILED_RETRYABLE", reasons: ["Beklenmeyen durum"] },
        { barcode: "B", outcome: "FAILED_RETRYABLE", reasons: ["Tamamlanamadı"] },
      ],
    });
  });

  test("an unreadable result is an unknown outcome; a 404 (past retention) a permanent refusal", async () => {
    const { adapter } = pzAdapterFor(NOWHERE, {}, fakePazarama(() => json(200, { success: true, data: "x" })));
    const error = await thrownBy(() => adapter.batchStatus(receipt("STOCK", ["A"])));
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    const past = pzAdapterFor(NOWHERE, {}, fakePazarama(() => json(404, { success: false, message: "Batch bulunamadı" })));
    const gone = await thrownBy(() => past.adapter.batchStatus(receipt("STOCK", ["A"])));
    expect((gone as { code: string }).code).toBe("MARKETPLACE_NOT_FOUND");
  });
});
