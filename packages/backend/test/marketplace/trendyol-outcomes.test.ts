import { describe, expect, test } from "bun:test";
import { batchStatusFrom, classifyFailure } from "../../src/domains/marketplace/trendyol/outcomes";
import { decimalPrice } from "../../src/domains/marketplace/money";
import { retryAfterMs } from "../../src/domains/marketplace/http-call";

describe("Trendyol outcome mapping", () => {
  test.each([
    ["Güncellenmek istenen ürün bulunamadı: X1", "FAILED_PERMANENT"],
    ["Liste fiyatı satış fiyatından küçük olamaz", "FAILED_PERMANENT"],
    ["Bir ürün için dakikada en fazla 30 fiyat güncellemesi yapılabilir", "FAILED_RETRYABLE"],
    ["Too many price updates for this barcode", "FAILED_RETRYABLE"],
    ["Ürün kilitli olduğu için güncellenemez", "LOCKED"],
    ["something nobody has seen before", "FAILED_RETRYABLE"],
  ] as const)("%p maps to %p", (reason, outcome) => {
    expect(classifyFailure([reason])).toBe(outcome);
  });

  test("a batch is complete only when every sent barcode has SUCCESS or FAILED", () => {
    const body = {
      items: [
        { requestItem: { barcode: "A" }, status: "SUCCESS", failureReasons: [] },
        { requestItem: { barcode: "B" }, status: "PROCESSING", failureReasons: [] },
      ],
    };
    expect(batchStatusFrom(body, ["A", "B"])).toEqual({ complete: false, items: [{ barcode: "A", outcome: "SUCCEEDED", reasons: [] }] });
    expect(batchStatusFrom(body, ["A"])?.complete).toBe(true);
    expect(batchStatusFrom("not an object", ["A"])).toBeUndefined();
  });

  test("minor units become exact two-place decimals", () => {
    expect([decimalPrice(11285), decimalPrice(100), decimalPrice(7), decimalPrice(999_999_999)]).toEqual(["112.85", "1.00", "0.07", "9999999.99"]);
  });

  test("Retry-After is honoured as seconds or as a date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
