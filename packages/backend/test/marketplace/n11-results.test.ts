import { describe, expect, test } from "bun:test";
import { MarketplaceOutcomeUnknown, MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { classifyN11Failure } from "../../src/domains/marketplace/n11/outcomes";
import type { SubmissionReceipt } from "../../src/domains/marketplace/types";
import { AppError } from "../../src/infra/errors";
import { N11_ACCOUNT, n11AdapterFor, n11Items, n11Sandbox, rawN11, taskDetailsPath } from "./n11-support";
import { cannedFetch, NOWHERE, pollUntilComplete, thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

const receiptOf = (barcodes: string[], batchId = "77"): SubmissionReceipt => ({
  marketplace: "N11",
  batchId,
  submittedAt: new Date().toISOString(),
  itemCount: barcodes.length,
  barcodes,
});

const details = (status: string, content: unknown[] = [], extra: Record<string, unknown> = {}) => ({
  body: { taskId: 77, createdDate: "01-12-2026 10:00:00", status, reasons: [], skus: { content, totalElements: content.length, totalPages: 1, number: 0, size: 1000, last: true }, ...extra },
});

describe("N11 adapter: task details", () => {
  test("reads the task with POST task-details/page-query {taskId, pageable}, reporting BATCH_STATUS", async () => {
    const target = await n11Sandbox();
    const { adapter, sent, calls } = n11AdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "G1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    expect(await adapter.batchStatus(receipt)).toEqual({ complete: true, items: [{ barcode: "G1", outcome: "SUCCEEDED", reasons: [] }] });
    expect([sent[1]?.method, sent[1]?.url.pathname]).toEqual(["POST", taskDetailsPath]);
    expect(JSON.parse(sent[1]?.body ?? "{}")).toEqual({ taskId: Number(receipt.batchId), pageable: { page: 0, size: 1000 } });
    expect(sent[1]?.headers.get("appkey")).toBe(N11_ACCOUNT.key);
    expect(sent[1]?.headers.get("appsecret")).toBe(N11_ACCOUNT.secret);
    expect(calls.map((c) => [c.callType, c.batchId])).toEqual([["STOCK_UPDATE", receipt.batchId], ["BATCH_STATUS", receipt.batchId]]);
  });

  test("while the task is IN_QUEUE nothing is final; after the result delay it is complete", async () => {
    const target = await n11Sandbox({ resultDelayMs: 150 });
    const { adapter } = n11AdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "D1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    expect(await adapter.batchStatus(receipt)).toEqual({ complete: false, items: [] });
    expect((await pollUntilComplete(adapter, receipt)).complete).toBe(true);
  });

  test("every page is read: 5 skus at 2 per page take 3 calls and give 5 outcomes", async () => {
    const target = await n11Sandbox();
    const { adapter, sent, calls } = n11AdapterFor(target, { taskDetailsPageSize: 2 });
    const [receipt] = await adapter.pushStockAndPrice(n11Items(5));
    if (!receipt) throw new Error("no receipt");
    const status = await adapter.batchStatus(receipt);
    expect(status.complete).toBe(true);
    expect(status.items.map((i) => i.barcode)).toEqual(receipt.barcodes);
    expect(sent.slice(1).map((s) => JSON.parse(s.body ?? "{}").pageable)).toEqual([{ page: 0, size: 2 }, { page: 1, size: 2 }, { page: 2, size: 2 }]);
    expect(calls.filter((c) => c.callType === "BATCH_STATUS")).toHaveLength(3);
  });

  test("a partial failure: an unknown stock code fails permanently while the rest succeed", async () => {
    const target = await n11Sandbox({}, [{ ...N11_ACCOUNT, known: ["K1", "K2"] }]);
    const { adapter } = n11AdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "K1", quantity: 1 }, { barcode: "K2", quantity: 2 }, { barcode: "ZZ", quantity: 3 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.items.map((i) => [i.barcode, i.outcome])).toEqual([["K1", "SUCCEEDED"], ["K2", "SUCCEEDED"], ["ZZ", "FAILED_PERMANENT"]]);
    expect(status.items[2]?.reasons[0]).toContain("bulunamadı");
  });

  test("the sandbox's errorRate fails skus with a transient reason, which is retryable", async () => {
    const target = await n11Sandbox({ faults: { errorRate: 1 } });
    const { adapter } = n11AdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "E1", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    const status = await pollUntilComplete(adapter, receipt);
    expect(status.items.map((i) => i.outcome)).toEqual(["FAILED_RETRYABLE"]);
  });

  test("a task past the (scaled) retention is gone: 404 becomes MARKETPLACE_NOT_FOUND", async () => {
    // One hour plays as 100 ms of the sandbox's clock, which moves only when stepped.
    const clock = manualClock();
    const target = await n11Sandbox({ timeScale: 36_000, now: clock.now });
    const { adapter } = n11AdapterFor(target);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "OLD", quantity: 1 }]);
    if (!receipt) throw new Error("no receipt");
    clock.advance(100);
    const error = (await thrownBy(() => adapter.batchStatus(receipt))) as MarketplaceRefused;
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect(error.code).toBe("MARKETPLACE_NOT_FOUND");
  });

  test("a sale price above the list price sent past the adapter fails the sku permanently", async () => {
    const target = await n11Sandbox();
    const res = await rawN11(target, "/ms/product/tasks/price-stock-update", {
      body: { payload: { integrator: "x", skus: [{ stockCode: "SL", listPrice: "10.00", salePrice: "12.00", currencyType: "TL" }] } },
    });
    const { id } = (await res.json()) as { id: number };
    const { adapter } = n11AdapterFor(target);
    const status = await adapter.batchStatus(receiptOf(["SL"], String(id)));
    expect(status.items.map((i) => [i.outcome, i.reasons])).toEqual([["FAILED_PERMANENT", ["Satış fiyatı liste fiyatından büyük olamaz"]]]);
  });

  test("a receipt of another marketplace is refused", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch(details("PROCESSED")));
    const error = (await thrownBy(() => adapter.batchStatus({ ...receiptOf(["A"]), marketplace: "TRENDYOL" }))) as AppError;
    expect(error.code).toBe("MARKETPLACE_MISMATCH");
  });
});

describe("N11 adapter: every task-details shape", () => {
  test("task REJECT: every sku without a result fails by the task's reasons", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch(details("REJECT", [], { reasons: ["Geçersiz istek"] })));
    expect(await adapter.batchStatus(receiptOf(["A", "B"]))).toEqual({
      complete: true,
      items: [
        { barcode: "A", outcome: "FAILED_PERMANENT", reasons: ["Geçersiz istek"] },
        { barcode: "B", outcome: "FAILED_PERMANENT", reasons: ["Geçersiz istek"] },
      ],
    });
  });

  test("task REJECT without reasons is retryable (TASK_REJECTED)", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch(details("REJECT")));
    const status = await adapter.batchStatus(receiptOf(["A"]));
    expect(status.items).toEqual([{ barcode: "A", outcome: "FAILED_RETRYABLE", reasons: ["TASK_REJECTED"] }]);
  });

  test("PROCESSED: FAIL reasons on the item or in its sku block, and a sku N11 does not mention", async () => {
    const content = [
      { itemCode: "A", status: "SUCCESS", reasons: [] },
      { itemCode: "B", status: "FAIL", reasons: ["Ürün kilitli olduğu için güncellenemez"] },
      { itemCode: "C", status: "FAIL", sku: { stockCode: "C", reasons: ["Sistemsel bir hata oluştu"] } },
      { itemCode: "OTHER", status: "SUCCESS" },
    ];
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch(details("PROCESSED", content)));
    expect(await adapter.batchStatus(receiptOf(["A", "B", "C", "D"]))).toEqual({
      complete: true,
      items: [
        { barcode: "A", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "B", outcome: "LOCKED", reasons: ["Ürün kilitli olduğu için güncellenemez"] },
        { barcode: "C", outcome: "FAILED_RETRYABLE", reasons: ["Sistemsel bir hata oluştu"] },
        { barcode: "D", outcome: "FAILED_RETRYABLE", reasons: ["NOT_IN_TASK_DETAILS"] },
      ],
    });
  });

  test("paging follows totalPages when `last` is absent", async () => {
    const page = (n: number, code: string) => ({ body: { status: "PROCESSED", skus: { content: [{ itemCode: code, status: "SUCCESS" }], totalPages: 2, number: n } } });
    const { adapter, calls } = n11AdapterFor(NOWHERE, {}, cannedFetch(page(0, "A"), page(1, "B")));
    const status = await adapter.batchStatus(receiptOf(["A", "B"]));
    expect(status.items.map((i) => i.barcode)).toEqual(["A", "B"]);
    expect(calls).toHaveLength(2);
  });

  test("an answer without a task status is an unknown outcome", async () => {
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ body: { content: [] } }));
    const error = (await thrownBy(() => adapter.batchStatus(receiptOf(["A"])))) as MarketplaceOutcomeUnknown;
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect(error.failure).toBe("UNREADABLE_ANSWER");
  });

  test("the reason table", () => {
    expect(classifyN11Failure(["Ürün askıya alınmış"])).toBe("LOCKED");
    expect(classifyN11Failure(["Ürün onay bekliyor"])).toBe("LOCKED");
    expect(classifyN11Failure(["Lütfen tekrar deneyiniz"])).toBe("FAILED_RETRYABLE");
    expect(classifyN11Failure(["Ürün bulunamadı: X"])).toBe("FAILED_PERMANENT");
    expect(classifyN11Failure(["stockCode is invalid"])).toBe("FAILED_PERMANENT");
    expect(classifyN11Failure(["something new"])).toBe("FAILED_RETRYABLE");
  });
});
